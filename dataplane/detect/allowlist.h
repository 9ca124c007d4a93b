// Allowlist: addresses a detector must stay quiet about (known scanners, monitoring
// hosts, load balancers), as configured in DetectConfig::allowlist.
#pragma once

#include <vector>

#include "dataplane/detect/alert.h"
#include "dataplane/detect/detect_config.h"

namespace synwatch::detect {

class Allowlist {
 public:
  explicit Allowlist(const std::vector<AllowEntry>& entries) : entries_(entries) {}

  bool covers(const Alert& a) const {
    for (const auto& e : entries_) {
      if (!e.detectors.empty()) {
        bool named = false;
        for (const auto& d : e.detectors) named = named || d == a.detector;
        if (!named) continue;
      }
      const bool source = a.source.is_set() && e.prefix.contains(a.source);
      const bool target = a.target.is_set() && e.prefix.contains(a.target);
      if ((e.role != AllowEntry::Role::kTarget && source) || (e.role != AllowEntry::Role::kSource && target))
        return true;
    }
    return false;
  }

 private:
  std::vector<AllowEntry> entries_;
};

}  // namespace synwatch::detect
