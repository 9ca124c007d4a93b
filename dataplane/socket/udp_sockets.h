// UdpSockets: the kernel-socket input for hosts without a DPDK NIC. For every listen
// address and port, one SO_REUSEPORT socket per worker; a classic BPF program steers
// each datagram to a worker by the exporter's address, so one worker sees all of an
// exporter's packets (its templates and sequence numbers live there).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/daemon/dataplane_config.h"

namespace synwatch::socket_input {

class UdpSockets {
 public:
  // Binds every socket. nullptr with "dataplane.field: reason" in `error` on failure;
  // `warnings` says what works less well than configured (no BPF steering, smaller
  // receive buffers).
  static std::unique_ptr<UdpSockets> open(const daemon::DataplaneConfig& config,
                                          std::string& error, std::vector<std::string>& warnings);
  ~UdpSockets();
  UdpSockets(const UdpSockets&) = delete;
  UdpSockets& operator=(const UdpSockets&) = delete;

  // Worker i's sockets, one per listen address and port.
  const std::vector<int>& of_worker(uint32_t worker) const { return fds_[worker]; }
  // "udp [::]:2055, [::]:4739, [::]:6343 (steered to workers by exporter address)"
  const std::string& description() const { return description_; }

 private:
  UdpSockets() = default;
  std::vector<std::vector<int>> fds_;
  std::string description_;
};

// The steering program's choice for an exporter address (network byte order bytes,
// 4 or 16), for tests: the worker the kernel hands its datagrams to.
uint32_t steering_worker(const uint8_t* address, size_t length, uint32_t workers);

}  // namespace synwatch::socket_input
