#include "dataplane/replay/session_summary.h"

#include <cinttypes>
#include <string>

namespace synwatch::replay {

using session::ConnState;
using session::Perspective;

void SessionTally::add(const session::SessionEvent& e) {
  const auto p = static_cast<size_t>(e.perspective);
  ++counts_[static_cast<size_t>(e.state)][p];
  if (e.failed) ++failed_[p];
  if (e.established) ++established_[p];
  if (e.sampled) ++sampled_[p];
  ++total_;
}

void SessionTally::print(std::FILE* out) const {
  auto row = [&](const char* label, const auto& values) {
    uint64_t sum = 0;
    std::fprintf(out, "  %-12s", label);
    for (size_t p = 0; p < session::kPerspectiveCount; ++p) {
      std::fprintf(out, " %9" PRIu64, values[p]);
      sum += values[p];
    }
    std::fprintf(out, " %9" PRIu64 "\n", sum);
  };
  std::fprintf(out, "TCP sessions: %" PRIu64 "\n  %-12s", total_, "state");
  for (size_t p = 0; p < session::kPerspectiveCount; ++p) {
    const auto name = session::perspective_name(static_cast<Perspective>(p));
    std::fprintf(out, " %9.*s", static_cast<int>(name.size()), name.data());
  }
  std::fprintf(out, " %9s\n", "total");
  for (size_t s = 0; s < session::kConnStateCount; ++s) {
    uint64_t any = 0;
    for (uint64_t v : counts_[s]) any += v;
    if (any == 0) continue;
    const auto name = session::state_name(static_cast<ConnState>(s));
    row(std::string(name).c_str(), counts_[s]);
  }
  row("failed", failed_);
  row("established", established_);
  row("sampled", sampled_);
}

}  // namespace synwatch::replay
