// synwatchctl's command line: where the daemon is, how to authenticate, the command
// and its options.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace synwatch::ctl {

extern const char kCtlUsage[];

struct CtlOptions {
  std::string server = "127.0.0.1:50051";
  std::string token_file;                // else $SYNWATCH_TOKEN
  std::string tls_ca, tls_cert, tls_key;  // PEM files; tls_ca turns TLS on
  bool json = false;
  uint32_t timeout_s = 5;
  bool help = false;
  bool version = false;
  std::vector<std::string> command;  // "status", "alerts", "config get", ...

  // stats
  bool all = false;
  // alerts
  bool follow = false;
  int64_t since_ms = 0;  // absolute, from --since
  std::vector<std::string> detectors;
  std::string severity, status, address, after;
  uint32_t limit = 100;
  bool limit_set = false;  // top, sessions and baselines have defaults of their own
  // top, sessions, detectors
  uint32_t window_s = 300;
  uint32_t port = 0;
  std::string perspective;
  // config apply
  bool dry_run = false;
  uint64_t expected_version = 0;
};

// "" when valid, else "option: reason". `now_ms` turns --since 15m into a time.
std::string parse_ctl_options(int argc, const char* const* argv, int64_t now_ms, CtlOptions& out);

}  // namespace synwatch::ctl
