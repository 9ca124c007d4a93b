// The EAL command line the daemon's configuration implies: worker lcores 1..N pinned to
// the configured CPUs (lcore 0 is the main thread), memory mode, and the ports to probe.
// Kept apart from the EAL itself so it can be checked without initialising DPDK.
#pragma once

#include <string>
#include <vector>

#include "dataplane/daemon/dataplane_config.h"

namespace synwatch::daemon {

// `allowed_cpus`: the CPUs this process may run on (for an unpinned main thread).
std::vector<std::string> eal_arguments(const DataplaneConfig& config,
                                       const std::vector<uint32_t>& allowed_cpus);

// The CPUs this process may run on.
std::vector<uint32_t> allowed_cpus();

}  // namespace synwatch::daemon
