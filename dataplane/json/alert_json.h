// The alert JSON line (DESIGN.md section 5).
#pragma once

#include <string_view>

#include "dataplane/detect/alert.h"
#include "dataplane/json/json_line.h"

namespace synwatch::json {

std::string_view alert_to_json(const detect::Alert& a, JsonLine& line);

}  // namespace synwatch::json
