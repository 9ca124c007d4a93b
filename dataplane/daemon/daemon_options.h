// synwatchd's command line: the configuration file first, then shortcuts that override
// it (--pcap, --workers, --sessions-out, ...), so one line replays a capture anywhere.
#pragma once

#include <string>

#include "control/config/synwatch_config.h"

namespace synwatch::daemon {

extern const char kDaemonUsage[];

struct DaemonOptions {
  std::string config_file;
  config::SynwatchConfig config;
  std::string pcap;  // --pcap: the capture behind the net_pcap port
  bool help = false;
  bool version = false;
  bool check_config = false;
  bool list_counters = false;
  bool config_reference = false;
  bool quiet = false;
  uint32_t duration_s = 0;  // --duration: stop after this long, as on SIGTERM (0: never)
  uint32_t bench_alerts = 0;  // --bench-alerts: synthetic alert events per second (0: none)
};

// "" on success, else the one-line reason (option or "file: field: reason"). The
// configuration in `out` is complete and validated on success.
std::string parse_daemon_options(int argc, const char* const* argv, DaemonOptions& out,
                                 uint32_t cpu_count = machine_cpu_count());

}  // namespace synwatch::daemon
