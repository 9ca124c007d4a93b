// UdpPoller: one worker's kernel-socket input: recvmmsg batches from each of its
// sockets, without blocking, into the worker; a short poll() when all are empty so an
// idle worker does not spin a CPU; the worker's timers on their deadline. The exporter
// is the datagram's source address, the arrival time the wall clock.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "dataplane/pipeline/worker.h"
#include "dataplane/wire/input_counters.h"

namespace synwatch::socket_input {

class UdpPoller {
 public:
  static constexpr unsigned kBatch = 32;
  static constexpr size_t kMaxDatagram = 65536;

  explicit UdpPoller(std::vector<int> fds);
  ~UdpPoller();
  UdpPoller(const UdpPoller&) = delete;
  UdpPoller& operator=(const UdpPoller&) = delete;

  // One batch from each socket into `worker`; returns the datagrams delivered. When
  // there were none, waits up to a millisecond for data. Runs the worker's tick when
  // its deadline has passed.
  uint32_t poll(pipeline::Worker& worker);

  const wire::InputCounters& counters() const { return counters_; }

 private:
  struct Buffers;
  std::vector<int> fds_;
  std::vector<uint32_t> kernel_drops_;  // SO_RXQ_OVFL: cumulative per socket
  void wait(int timeout_ms);

  std::unique_ptr<Buffers> buffers_;
  std::chrono::steady_clock::time_point next_tick_;
  wire::InputCounters counters_;
};

}  // namespace synwatch::socket_input
