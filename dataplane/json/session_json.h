// The 'session' JSON Lines contract of DESIGN.md section 5.
#pragma once

#include <string_view>

#include "dataplane/json/json_line.h"
#include "dataplane/session/session_event.h"

namespace synwatch::json {

std::string_view session_to_json(const session::SessionEvent& s, JsonLine& line);

}  // namespace synwatch::json
