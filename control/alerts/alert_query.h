// AlertQuery: which alert events a reader wants (the API's AlertFilter, translated at
// the boundary). Every field left empty matches everything.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dataplane/detect/alert.h"

namespace synwatch::control {

struct AlertQuery {
  std::vector<std::string> detectors;                 // any of these
  std::optional<detect::Severity> min_severity;
  std::vector<detect::AlertStatus> statuses;          // any of these
  std::optional<session::Perspective> perspective;
  std::optional<wire::IpAddress> address;             // source or target
  int64_t since_ms = 0;                               // end_ms at or after

  bool matches(const detect::Alert& a) const {
    if (!detectors.empty() && !contains(detectors, std::string(a.detector))) return false;
    if (min_severity && a.severity < *min_severity) return false;
    if (!statuses.empty() && !contains(statuses, a.status)) return false;
    if (perspective && a.perspective != *perspective) return false;
    if (address && !(a.source == *address) && !(a.target == *address)) return false;
    return a.end_ms >= since_ms;
  }

 private:
  template <typename T>
  static bool contains(const std::vector<T>& v, const T& x) {
    for (const auto& e : v)
      if (e == x) return true;
    return false;
  }
};

}  // namespace synwatch::control
