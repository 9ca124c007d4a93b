// Every change a caller makes through the API (a detector reset, a configuration
// applied) goes to synwatchd's log as one line naming who made it and what changed:
//   synwatchd: change by ops: reset detector failed_sessions (server 10.0.0.5): 3 forgotten
#pragma once

#include <cstdio>
#include <string>

namespace synwatch::config {

inline void log_change(const std::string& who, const std::string& what) {
  std::fprintf(stderr, "synwatchd: change by %s: %s\n", who.c_str(), what.c_str());
}

}  // namespace synwatch::config
