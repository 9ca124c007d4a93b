// The 'record' JSON Lines contract of DESIGN.md section 5.
#pragma once

#include <string_view>

#include "dataplane/decode/flow_record.h"
#include "dataplane/json/json_line.h"

namespace synwatch::json {

// Writes `r` as one JSON line into `line` and returns it (valid while `line` lives).
std::string_view record_to_json(const decode::FlowRecord& r, JsonLine& line);

}  // namespace synwatch::json
