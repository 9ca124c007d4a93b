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
  uint64_t count(session::ConnState s, session::Perspective p) const {
    return counts_[static_cast<size_t>(s)][static_cast<size_t>(p)];
  }
  uint64_t failed(session::Perspective p) const { return failed_[static_cast<size_t>(p)]; }
  uint64_t established(session::Perspective p) const { return established_[static_cast<size_t>(p)]; }

 private:
  std::array<std::array<uint64_t, session::kPerspectiveCount>, session::kConnStateCount> counts_{};
  std::array<uint64_t, session::kPerspectiveCount> failed_{}, established_{}, sampled_{};
  uint64_t total_ = 0;
};

}  // namespace synwatch::replay
