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

// The CPUs for the daemon's own threads (main, writer, detection, gRPC, metrics, alert
// sinks): main_lcore when set; else those of `allowed` that no worker is pinned to; all
// of `allowed` when the workers take every one (a small machine shares).
std::vector<uint32_t> control_cpus(const DataplaneConfig& config, const std::vector<uint32_t>& allowed);

// Confines the calling thread, and so every thread it starts from now on, to `cpus`.
// Called before the first thread starts, it keeps the control plane off the workers'
// cores (the workers are pinned to theirs by EAL or the UDP input). False if refused.
bool confine_to(const std::vector<uint32_t>& cpus);

}  // namespace synwatch::daemon
