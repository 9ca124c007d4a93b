// The boundary between protobuf and synwatch's own types: the API's services translate
// here, in both directions, and nothing past this file sees a protobuf type.
#pragma once

#include <string>

#include "control/alerts/alert_query.h"
#include "control/alerts/alert_store.h"
#include "control/sessions/session_watch.h"
#include "dataplane/detect/detector_view.h"
#include "dataplane/pipeline/exporter_summary.h"
#include "dataplane/wire/counter_list.h"
#include "synwatch/v1/alerts.pb.h"
#include "synwatch/v1/common.pb.h"
#include "synwatch/v1/detectors.pb.h"
#include "synwatch/v1/sessions.pb.h"
#include "synwatch/v1/statistics.pb.h"

namespace synwatch::control {

v1::Perspective to_proto(session::Perspective p);
v1::Severity to_proto(detect::Severity s);
v1::AlertStatus to_proto(detect::AlertStatus s);
v1::CounterKind to_proto(wire::CounterKind k);

void to_proto(const StoredAlert& in, v1::Alert& out);
void to_proto(const pipeline::ExporterSummary& in, uint32_t worker, v1::Exporter& out);
void to_proto(const session::SessionEvent& in, v1::Session& out);
void to_proto(const TopFailed& in, v1::TopFailedResponse& out);
void to_proto(const detect::DetectorSummary& in, v1::DetectorState& out);
void to_proto(const detect::PartitionBaseline& in, v1::Baseline& out);

// "" and `out` filled, or "field: reason" for INVALID_ARGUMENT (fields as the client
// wrote them: "filter.address").
std::string from_proto(const v1::AlertFilter& in, AlertQuery& out);
std::string from_proto(v1::Perspective in, std::optional<session::Perspective>& out);
std::string from_proto(const v1::TopFailedRequest& in, TopQuery& out);
std::string from_proto(const v1::PartitionFilter& in, detect::PartitionFilter& out);
// An address the request requires, named `field` in the message.
std::string address_from_proto(const std::string& in, const char* field, wire::IpAddress& out);

}  // namespace synwatch::control
