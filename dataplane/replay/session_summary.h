// The --summary table of synwatch-replay --emit sessions: sessions per state and
// perspective, with failed and established totals.
#pragma once

#include <array>
#include <cstdint>
#include <cstdio>

#include "dataplane/session/session_event.h"

namespace synwatch::replay {

class SessionTally {
 public:
  void add(const session::SessionEvent& e);
  void print(std::FILE* out) const;
  uint64_t total() const { return total_; }

 private:
  std::array<std::array<uint64_t, session::kPerspectiveCount>, session::kConnStateCount> counts_{};
  std::array<uint64_t, session::kPerspectiveCount> failed_{}, established_{}, sampled_{};
  uint64_t total_ = 0;
};

}  // namespace synwatch::replay
