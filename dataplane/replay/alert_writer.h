// AlertWriter: alerts as JSON lines (DESIGN.md section 5) to a stream, with counts per
// detector and status for the summary. Shared by synwatch-replay and synwatchd.
#pragma once

#include <cstdio>
#include <map>
#include <string>

#include "dataplane/detect/alert.h"

namespace synwatch::replay {

class AlertWriter : public detect::AlertSink {
 public:
  // `out` may be null: count only.
  explicit AlertWriter(std::FILE* out) : out_(out) {}
  void on_alert(const detect::Alert& a) override;
  // "alerts: 2 opened (port_scan 1, scanner 1), 0 resolved" on `out`.
  void print_summary(std::FILE* out) const;

 private:
  std::FILE* out_;
  std::map<std::string, uint64_t> opened_;
  uint64_t updates_ = 0, resolved_ = 0;
};

}  // namespace synwatch::replay
