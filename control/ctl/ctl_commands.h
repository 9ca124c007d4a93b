// synwatchctl's commands: each makes its calls through the client and prints a table
// (or, with --json, the responses as JSON lines). Returns the exit status.
#pragma once

#include <cstdio>

#include "control/ctl/ctl_client.h"
#include "control/ctl/ctl_options.h"

namespace synwatch::ctl {

int run_command(const CtlOptions& options, const CtlClient& client, std::FILE* out, std::FILE* err);

}  // namespace synwatch::ctl
