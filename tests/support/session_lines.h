// Sessions as sorted JSON lines: the form in which tests compare the sessions of two
// runs (replay against replay with other shard counts, against the worker pipeline).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "dataplane/session/session_config.h"
#include "dataplane/session/session_event.h"

namespace synwatch::testing {

class SessionLines : public session::SessionSink {
 public:
  void on_session(const session::SessionEvent& e) override;
  // The lines, sorted.
  std::vector<std::string> sorted();

  std::vector<std::string> lines;
};

// A small session table configuration for tests (65,536 sessions).
session::SessionConfig test_session_config();

// The sessions synwatch-replay finds in `capture` with `shards` shards, sorted.
std::vector<std::string> replay_session_lines(const std::filesystem::path& capture,
                                              uint32_t shards);

}  // namespace synwatch::testing
