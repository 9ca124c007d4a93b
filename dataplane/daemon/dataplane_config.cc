#include "dataplane/daemon/dataplane_config.h"

#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cctype>
#include <iterator>

#include "dataplane/common/setting_bounds.h"

namespace synwatch::daemon {
namespace {

bool hex_digits(const std::string& s, size_t from, size_t count) {
  if (from + count > s.size()) return false;
  for (size_t i = from; i < from + count; ++i)
    if (!std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  return true;
}

// "3b:00.0" or "0000:3b:00.0" (the bus:device.function form DPDK's -a takes).
bool pci_address(const std::string& s) {
  const size_t bdf = s.size() == 12 ? 5 : 0;
  if (s.size() != 7 && s.size() != 12) return false;
  if (bdf == 5 && !(hex_digits(s, 0, 4) && s[4] == ':')) return false;
  return hex_digits(s, bdf, 2) && s[bdf + 2] == ':' && hex_digits(s, bdf + 3, 2) &&
         s[bdf + 5] == '.' && s[bdf + 6] >= '0' && s[bdf + 6] <= '7';
}

}  // namespace

bool PortConfig::is_pci() const { return pci_address(device); }

std::string PortConfig::port_name() const {
  if (is_pci()) return device.size() == 7 ? "0000:" + device : device;
  return device.substr(0, device.find(','));
}

std::vector<SettingBound> PortConfig::bounds() const {
  return {{"rx_queues", rx_queues, 1, 1024}, {"rx_descriptors", rx_descriptors, 64, 65536}};
}

std::vector<SettingBound> DataplaneConfig::bounds() const {
  return {
      {"memory_mb", memory_mb, 64, 1u << 20},
      {"mbufs_per_socket", mbufs_per_socket, 1023, 1u << 24},
      {"handoff_ring_size", handoff_ring_size, 0, 1u << 24},
      {"reassembly_flows", reassembly_flows, 1, 1u << 16},
      {"reassembly_timeout_ms", reassembly_timeout_ms, 10, 60000},
      {"udp_receive_buffer_kb", udp_receive_buffer_kb, 64, 1u << 21},
  };
}

// By default each worker's outgoing rings hold 65,536 records together (about 10 MiB).
// With 2 workers that is one ring of 65,536: 19 ms of what a worker at 7 M records/s
// hands the other (half its records), enough to ride out the time slices a thread
// sharing the receiving worker's CPU takes (16,384 was not, on 2 CPUs: perf/RESULTS.md).
// With more workers each ring carries a smaller share, so a smaller ring covers as long.
uint32_t DataplaneConfig::handoff_ring_records() const {
  if (handoff_ring_size != 0) return handoff_ring_size;
  const uint32_t peers = workers() > 1 ? workers() - 1 : 1;
  return std::max(4096u, std::bit_floor(65536u / peers));
}

std::string DataplaneConfig::validate(uint32_t cpu_count, bool need_input) const {
  std::string problem = check_bounds(bounds());
  if (!problem.empty()) return problem;
  if (handoff_ring_size != 0 && (handoff_ring_size < 64 || !std::has_single_bit(handoff_ring_size)))
    return "handoff_ring_size: " + std::to_string(handoff_ring_size) +
           " is not a power of two from 64 to 16777216 (or 0: sized by the number of workers)";
  if (lcores.size() > 128) return "lcores: at most 128 workers";
  if (constexpr uint64_t kMostMbufs = 1u << 26; mbufs_per_socket + reassembly_mbufs() > kMostMbufs)
    return "reassembly_flows: " + std::to_string(workers()) + " workers' tables of " +
           std::to_string(reassembly_flows) + " datagrams (up to " +
           std::to_string(kFragmentsPerDatagram) + " fragments each) and mbufs_per_socket need " +
           std::to_string(mbufs_per_socket + reassembly_mbufs()) + " mbufs; a pool holds at most " +
           std::to_string(kMostMbufs);
  for (size_t i = 0; i < lcores.size(); ++i) {
    const std::string field = "lcores[" + std::to_string(i) + "]";
    if (lcores[i] >= cpu_count)
      return field + ": lcore " + std::to_string(lcores[i]) +
             " is out of range (this machine has CPUs 0-" + std::to_string(cpu_count - 1) + ")";
  }
  if (main_lcore >= 0 && static_cast<uint32_t>(main_lcore) >= cpu_count)
    return "main_lcore: lcore " + std::to_string(main_lcore) +
           " is out of range (this machine has CPUs 0-" + std::to_string(cpu_count - 1) + ")";
  if (input == InputKind::kDpdk) {
    if (ports.empty() && need_input) return "ports: missing (input: dpdk needs at least one port)";
    for (size_t i = 0; i < ports.size(); ++i) {
      const std::string field = "ports[" + std::to_string(i) + "]";
      const auto& p = ports[i];
      if (p.device.empty()) return field + ".device: missing";
      for (size_t j = 0; j < i; ++j)
        if (ports[j].port_name() == p.port_name())
          return field + ".device: '" + p.port_name() + "' is listed twice";
      problem = check_bounds(p.bounds());
      if (!problem.empty()) return field + "." + problem;
    }
  } else {
    if (udp_ports.empty() && need_input) return "udp_ports: missing (input: udp needs at least one port)";
    for (size_t i = 0; i < udp_ports.size(); ++i)
      if (udp_ports[i] < 1 || udp_ports[i] > 65535)
        return "udp_ports[" + std::to_string(i) + "]: " + std::to_string(udp_ports[i]) +
               " is outside 1..65535";
    if (udp_listen.empty() && need_input) return "udp_listen: missing (input: udp needs an address)";
  }
  return {};
}

std::vector<SettingBound> OutputConfig::bounds() const {
  return {{"flush_interval_ms", flush_interval_ms, 10, 60000},
          {"alert_queue", alert_queue, 16, 1u << 20},
          {"syslog.facility", syslog.facility, 0, 23}};
}

std::string OutputConfig::validate() const {
  if (std::string problem = check_bounds(bounds()); !problem.empty()) return problem;
  if (!syslog.enabled()) return {};
  const size_t colon = syslog.address.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == syslog.address.size())
    return "syslog.address: '" + syslog.address + "': expected HOST:PORT or [IPv6]:PORT";
  const std::string port = syslog.address.substr(colon + 1);
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 || std::stoul(port) == 0 ||
      std::stoul(port) > 65535)
    return "syslog.address: '" + port + "' is not a port (1..65535)";
  // RFC 5424 section 6: HOSTNAME at most 255 and APP-NAME at most 48 printable
  // characters, no spaces.
  auto printable = [](const std::string& s) {
    for (unsigned char c : s)
      if (c < 33 || c > 126) return false;
    return true;
  };
  if (syslog.hostname.size() > 255 || !printable(syslog.hostname))
    return "syslog.hostname: at most 255 printable ASCII characters without spaces";
  if (syslog.app_name.empty() || syslog.app_name.size() > 48 || !printable(syslog.app_name))
    return "syslog.app_name: 1 to 48 printable ASCII characters without spaces";
  return {};
}

namespace {
// RFC 5424 section 6.2.1, by code.
constexpr const char* kFacilityNames[] = {
    "kern", "user",  "mail",  "daemon", "auth",   "syslog", "lpr",    "news",
    "uucp", "cron",  "authpriv", "ftp", "ntp",    "audit",  "alert",  "clock",
    "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"};
}  // namespace

bool parse_syslog_facility(const std::string& name, uint32_t& code) {
  for (uint32_t i = 0; i < std::size(kFacilityNames); ++i)
    if (name == kFacilityNames[i]) {
      code = i;
      return true;
    }
  return false;
}

std::string syslog_facility_name(uint32_t code) {
  return code < std::size(kFacilityNames) ? kFacilityNames[code] : std::to_string(code);
}

uint32_t machine_cpu_count() {
  const long n = sysconf(_SC_NPROCESSORS_CONF);
  return n > 0 ? static_cast<uint32_t>(n) : 1;
}

}  // namespace synwatch::daemon
