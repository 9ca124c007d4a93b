// The boundary between protobuf and synwatch's own types: the API's services translate
// here, in both directions, and nothing past this file sees a protobuf type.
#pragma once

#include <string>

#include "control/alerts/alert_query.h"
#include "control/alerts/alert_store.h"
#include "dataplane/pipeline/exporter_summary.h"
#include "dataplane/wire/counter_list.h"
#include "synwatch/v1/alerts.pb.h"
#include "synwatch/v1/common.pb.h"
#include "synwatch/v1/statistics.pb.h"

namespace synwatch::control {

v1::Perspective to_proto(session::Perspective p);
v1::Severity to_proto(detect::Severity s);
v1::AlertStatus to_proto(detect::AlertStatus s);
v1::CounterKind to_proto(wire::CounterKind k);

void to_proto(const StoredAlert& in, v1::Alert& out);
void to_proto(const pipeline::ExporterSummary& in, uint32_t worker, v1::Exporter& out);

// "" and `out` filled, or "field: reason" for INVALID_ARGUMENT (fields as the client
// wrote them: "filter.address").
std::string from_proto(const v1::AlertFilter& in, AlertQuery& out);
std::string from_proto(v1::Perspective in, std::optional<session::Perspective>& out);

}  // namespace synwatch::control
