// DpdkPorts: the configured ethdev ports, set up and started: RX queues with RSS on L3
// addresses (one exporter's packets stay on one queue, so on one worker), an mbuf pool
// per NUMA socket, capture timestamps from net_pcap, and the queues dealt to workers.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/daemon/dataplane_config.h"
#include "dataplane/wire/input_counters.h"
#include "dataplane/wire/port_stats.h"

struct rte_mempool;

namespace synwatch::runtime {

struct RxQueue {
  uint16_t port = 0;
  uint16_t queue = 0;
  int socket = 0;  // the port's NUMA socket (the worker's reassembly table goes there)
  // Arrival time is the capture's (net_pcap): flow time, so a replay is deterministic.
  bool capture_time = false;
  // The port ends (a capture without infinite_rx): an idle queue means the end.
  bool finite = false;
};

class DpdkPorts {
 public:
  // After the EAL is up. On failure nullptr and "ports[i].field: reason" in `error`;
  // `warnings` collects what the operator should know but does not stop the start.
  static std::unique_ptr<DpdkPorts> start(const daemon::DataplaneConfig& config,
                                          std::string& error, std::vector<std::string>& warnings);
  ~DpdkPorts();
  DpdkPorts(const DpdkPorts&) = delete;
  DpdkPorts& operator=(const DpdkPorts&) = delete;

  // The queues of every port dealt round-robin to `workers` workers; a worker may get
  // none (it only joins what the others hand over).
  std::vector<std::vector<RxQueue>> queues_for(uint32_t workers) const;
  // Stops receiving (before the workers drain).
  void stop();
  // The NIC's drop counters, summed over ports, as input counters.
  wire::InputCounters nic_counters() const;
  // "net_pcap0 (net_pcap), 0000:3b:00.0 (mlx5_pci)"
  std::string names() const;
  // One line per port: name, driver, queues, RSS, what it received.
  std::vector<std::string> describe() const;
  // Every port's counters now, its queues dealt to `workers` workers as queues_for()
  // deals them. Any thread, while the ports run.
  std::vector<wire::PortStats> stats(uint32_t workers) const;

 private:
  DpdkPorts() = default;
  struct Port {
    uint16_t id;
    std::string name, driver;
    uint16_t queues;
    bool rss, capture_time, finite;
    int socket;
  };
  std::vector<Port> ports_;
  std::vector<rte_mempool*> pools_;  // indexed by socket
  bool stopped_ = false;
};

}  // namespace synwatch::runtime
