#include "dataplane/daemon/eal_arguments.h"

#include <sched.h>

#include <algorithm>

namespace synwatch::daemon {

std::vector<std::string> eal_arguments(const DataplaneConfig& config,
                                       const std::vector<uint32_t>& allowed) {
  std::vector<std::string> args{"synwatchd"};
  // --lcores maps lcore ids to CPUs: main on lcore 0, worker i on lcore i + 1, so
  // workers may share a CPU with the main thread (small machines) without EAL refusing.
  std::string main_cpus;
  if (config.main_lcore >= 0) {
    main_cpus = std::to_string(config.main_lcore);
  } else {
    for (uint32_t cpu : allowed) main_cpus += (main_cpus.empty() ? "" : ",") + std::to_string(cpu);
    if (main_cpus.empty()) main_cpus = "0";
  }
  std::string lcores = "--lcores=0@(" + main_cpus + ")";
  const std::vector<uint32_t> workers = config.lcores.empty() ? std::vector<uint32_t>{0} : config.lcores;
  for (size_t i = 0; i < workers.size(); ++i)
    lcores += "," + std::to_string(i + 1) + "@" + std::to_string(workers[i]);
  args.push_back(lcores);
  args.push_back("--main-lcore=0");
  if (config.no_huge) {
    // No hugepages, no shared runtime files: nothing to set up and nothing left behind.
    args.insert(args.end(),
                {"--no-huge", "-m", std::to_string(config.no_huge_memory_mb()), "--no-shconf", "--no-telemetry"});
  } else {
    args.push_back("--file-prefix=synwatch");
  }
  const bool any_pci = std::any_of(config.ports.begin(), config.ports.end(),
                                   [](const PortConfig& p) { return p.is_pci(); });
  if (!any_pci) args.push_back("--no-pci");
  for (const auto& port : config.ports) {
    args.push_back(port.is_pci() ? "-a" : "--vdev");
    args.push_back(port.device);
  }
  // EAL's start-up chatter stays out of the operator's way; eal_args may raise it again.
  args.push_back("--log-level=*:warning");
  args.insert(args.end(), config.eal_args.begin(), config.eal_args.end());
  return args;
}

std::vector<uint32_t> control_cpus(const DataplaneConfig& config, const std::vector<uint32_t>& allowed) {
  if (config.main_lcore >= 0) return {static_cast<uint32_t>(config.main_lcore)};
  const std::vector<uint32_t> workers = config.lcores.empty() ? std::vector<uint32_t>{0} : config.lcores;
  std::vector<uint32_t> free;
  for (uint32_t cpu : allowed)
    if (std::find(workers.begin(), workers.end(), cpu) == workers.end()) free.push_back(cpu);
  return free.empty() ? allowed : free;
}

bool confine_to(const std::vector<uint32_t>& cpus) {
  if (cpus.empty()) return false;
  cpu_set_t set;
  CPU_ZERO(&set);
  for (uint32_t cpu : cpus)
    if (cpu < CPU_SETSIZE) CPU_SET(cpu, &set);
  return sched_setaffinity(0, sizeof set, &set) == 0;
}

std::vector<uint32_t> allowed_cpus() {
  std::vector<uint32_t> cpus;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (uint32_t cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  return cpus;
}

}  // namespace synwatch::daemon
