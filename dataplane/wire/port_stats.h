// PortStats: what a DPDK port and its RX queues have received and dropped, as the NIC
// counts it (rte_eth_stats), read on demand by the control plane (the API, metrics)
// while the workers run. Plain data: only runtime/ talks to the NIC.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace synwatch::wire {

struct QueueStats {
  uint16_t queue = 0;
  uint32_t worker = 0;  // the worker polling it
  uint64_t packets = 0, bytes = 0, errors = 0;  // 0 where the driver keeps no per-queue stats
};

struct PortStats {
  uint16_t port = 0;
  std::string name, driver;
  int socket = 0;
  uint64_t packets = 0, bytes = 0;
  uint64_t missed = 0;   // imissed: the NIC had no descriptor (the worker fell behind)
  uint64_t no_mbuf = 0;  // rx_nombuf: no mbuf to receive into
  uint64_t errors = 0;   // ierrors: bad frames
  std::vector<QueueStats> queues;
};

}  // namespace synwatch::wire
