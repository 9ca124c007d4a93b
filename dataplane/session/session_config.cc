#include "dataplane/session/session_config.h"

#include <algorithm>

#include "dataplane/common/setting_bounds.h"

namespace synwatch::session {

std::vector<SettingBound> SessionConfig::bounds() const {
  return {
      {"capacity", capacity, 16, 1u << 28},
      {"exporters", exporters, 1, 65535},
      {"answer_window_s", answer_window_s, 1, 3600},
      {"idle_timeout_s", idle_timeout_s, 1, 86400},
      {"max_lifetime_s", max_lifetime_s, 1, 7 * 86400},
      {"export_grace_s", export_grace_s, 0, 3600},
  };
}

std::string SessionConfig::validate() const {
  if (std::string problem = check_bounds(bounds()); !problem.empty()) return problem;
  if (answer_window_s > idle_timeout_s)
    return "answer_window_s: " + std::to_string(answer_window_s) +
           " is longer than idle_timeout_s (" + std::to_string(idle_timeout_s) + ")";
  return {};
}

SessionConfig SessionConfig::share(uint32_t tables) const {
  SessionConfig one = *this;
  one.capacity = std::max<uint32_t>(16, capacity / std::max<uint32_t>(1, tables));
  return one;
}

}  // namespace synwatch::session
