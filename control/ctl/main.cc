// synwatchctl: the operator's command line for a running synwatchd (its gRPC API).
#include <chrono>
#include <cstdio>

#include "control/ctl/ctl_client.h"
#include "control/ctl/ctl_commands.h"
#include "control/ctl/ctl_options.h"

int main(int argc, char** argv) {
  using namespace synwatch::ctl;
  CtlOptions options;
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  if (std::string problem = parse_ctl_options(argc, argv, now_ms, options); !problem.empty()) {
    std::fprintf(stderr, "synwatchctl: %s\n", problem.c_str());
    return 2;
  }
  if (options.help) {
    std::fputs(kCtlUsage, stdout);
    return 0;
  }
  if (options.version) {
    std::puts("synwatchctl " SYNWATCH_VERSION);
    return 0;
  }
  std::string error;
  auto client = CtlClient::create(options, error);
  if (!client) {
    std::fprintf(stderr, "synwatchctl: %s\n", error.c_str());
    return 2;
  }
  return run_command(options, *client, stdout, stderr);
}
