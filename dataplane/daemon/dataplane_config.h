// What the daemon runs on: its input (DPDK ports or kernel UDP sockets), the cores its
// workers are pinned to, DPDK's memory, and where its output goes. Read from the
// `dataplane:` and `output:` sections of the configuration file; the command line's
// shortcuts (--pcap, --workers, ...) override it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "dataplane/common/setting_bounds.h"

namespace synwatch::daemon {

enum class InputKind { kDpdk, kUdp };

struct PortConfig {
  // A PCI address ("0000:3b:00.0", "3b:00.0") or a DPDK virtual device with its
  // arguments ("net_pcap0,rx_pcap=/tmp/exports.pcap").
  std::string device;
  uint32_t rx_queues = 1;
  uint32_t rx_descriptors = 1024;

  bool is_pci() const;
  // The name DPDK knows the port by: the vdev name before its arguments, or the PCI
  // address with its domain.
  std::string port_name() const;
  // The numeric settings' ranges (setting_bounds.h).
  std::vector<SettingBound> bounds() const;
};

struct DataplaneConfig {
  InputKind input = InputKind::kDpdk;
  // The CPUs the workers are pinned to, one worker each; their count is the number of
  // workers. Empty: one worker on CPU 0. A CPU listed twice is shared (slower).
  std::vector<uint32_t> lcores;
  // The CPU of the main thread (control, output); -1: any CPU the process may use.
  int32_t main_lcore = -1;
  bool no_huge = false;          // development mode: no hugepages, anonymous memory
  bool no_huge_set = false;      // the file said so either way (--pcap defaults it on)
  uint32_t memory_mb = 512;      // DPDK memory with no_huge (hugepage memory is reserved by the OS)
  bool memory_mb_set = false;    // the file said so; else no_huge_memory_mb() sizes it
  // Packet buffers per NUMA socket for receiving. Each pool also gets the buffers every
  // worker's reassembly table can hold at most (reassembly_mbufs()), on top: fragments
  // held for reassembly, a flood of them included, never take the buffers the RX rings
  // need, so whole export packets keep being received.
  uint32_t mbufs_per_socket = 16383;
  // Records each worker can queue for each other worker, a power of two; 0: sized by
  // the number of workers (handoff_ring_records()).
  uint32_t handoff_ring_size = 0;
  uint32_t reassembly_flows = 1024;    // fragmented export packets reassembled at once, per worker
  // How long the fragments of a datagram wait for the rest: wall time on live ports,
  // the capture's own time when replaying captures (the same result at any speed).
  uint32_t reassembly_timeout_ms = 2000;
  std::vector<std::string> eal_args;   // more EAL options, passed as given
  std::vector<PortConfig> ports;       // input: dpdk
  // input: udp. "::" receives IPv4 as well (dual stack).
  std::vector<std::string> udp_listen{"::"};
  std::vector<uint32_t> udp_ports{2055, 4739, 6343};
  uint32_t udp_receive_buffer_kb = 32768;

  // The most fragments one datagram may arrive in (DPDK's RTE_LIBRTE_IP_FRAG_MAX_FRAG;
  // rx_poller.cc checks they agree): a reassembly entry holds at most this many mbufs.
  static constexpr uint32_t kFragmentsPerDatagram = 8;

  uint32_t workers() const { return lcores.empty() ? 1 : static_cast<uint32_t>(lcores.size()); }
  // The size of each hand-off ring: handoff_ring_size, or the size for this many workers.
  uint32_t handoff_ring_records() const;
  // The mbufs all workers' reassembly tables can hold at once, added to each pool.
  uint64_t reassembly_mbufs() const {
    return uint64_t{workers()} * reassembly_flows * kFragmentsPerDatagram;
  }
  // The memory EAL gets with no_huge: memory_mb if the file set it; else enough for the
  // mbuf pool (4 KiB a buffer, with its headers and the pool's overhead, measured) and
  // 256 MiB for the rest, and never under memory_mb's default. Many workers need more
  // than the default for their reassembly buffers alone.
  uint32_t no_huge_memory_mb() const {
    if (memory_mb_set) return memory_mb;
    const uint64_t pool_mb = (mbufs_per_socket + reassembly_mbufs()) * 4096 / (1u << 20);
    return static_cast<uint32_t>(std::clamp<uint64_t>(pool_mb + 256, memory_mb, 1u << 20));
  }
  // "" when valid, else "field: reason" (fields relative to the dataplane section).
  // `cpu_count` is the number of CPUs this machine has: lcores must lie below it.
  // `need_input`: the input must be complete (the daemon, after its command line; a
  // file alone may leave the ports to --pcap).
  std::string validate(uint32_t cpu_count, bool need_input) const;
  // The numeric settings' ranges (setting_bounds.h).
  std::vector<SettingBound> bounds() const;
};

// Alerts to a syslog collector as RFC 5424 messages: over UDP (RFC 5426, one message a
// datagram) or TCP (RFC 6587 octet counting).
struct SyslogConfig {
  enum class Transport { kUdp, kTcp };
  std::string address;  // HOST:PORT or [IPv6]:PORT; "" sends none
  Transport transport = Transport::kUdp;
  uint32_t facility = 16;  // local0 (RFC 5424 section 6.2.1)
  std::string hostname;    // "": this machine's name
  std::string app_name = "synwatch";
  bool enabled() const { return !address.empty(); }
};

struct OutputConfig {
  // JSON lines files, appended to and reopened on SIGHUP (logrotate); "-" is standard
  // output, "" writes none.
  std::string sessions = "-";
  std::string alerts;
  uint32_t flush_interval_ms = 1000;
  // Alert events waiting for each slow sink (the alerts file, syslog); past it, the
  // newest are dropped and counted, and the detectors never wait.
  uint32_t alert_queue = 4096;
  SyslogConfig syslog;
  std::string validate() const;
  // The numeric settings' ranges (setting_bounds.h).
  std::vector<SettingBound> bounds() const;
};

// Facility names of RFC 5424 section 6.2.1 ("daemon", "local0", ...); false if unknown.
bool parse_syslog_facility(const std::string& name, uint32_t& code);
std::string syslog_facility_name(uint32_t code);

// The CPUs of this machine (configured, online or not).
uint32_t machine_cpu_count();

}  // namespace synwatch::daemon
