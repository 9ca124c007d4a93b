// Command line of synwatch-replay.
#pragma once

#include <string>
#include <vector>

#include "control/config/synwatch_config.h"

namespace synwatch::replay {

struct ReplayOptions {
  std::string emit = "records";
  std::string output;  // empty: standard output
  bool quiet = false;
  bool help = false;
  bool version = false;
  bool list_counters = false;
  bool summary = false;  // the per-state, per-perspective table of sessions
  uint32_t shards = 1;
  std::string config_file;
  config::SynwatchConfig config;
  std::vector<std::string> captures;
};

// Parses argv. The --config file is read first; options on the command line override it.
// Returns an empty string on success, else one line naming the option and the reason
// (the caller prints it and exits 2).
std::string parse_replay_options(int argc, const char* const* argv, ReplayOptions& out);

extern const char kReplayUsage[];

}  // namespace synwatch::replay
