// UdpPoller: one worker's kernel-socket input: recvmmsg batches from each of its
// sockets, without blocking, into the worker, until each is drained; then a nap so
// that the next wake-up finds a batch waiting rather than one datagram,
// and a poll() of up to `idle_wait` that says which sockets have data, so an idle
// worker does not spin a CPU; the worker's timers on their deadline. The exporter is
// the datagram's source address, the arrival time the wall clock.
//
// Why the nap: below saturation, a worker woken for every datagram spends as much on
// wake-ups, context switches and empty system calls as on the records: the naps took a
// third off synwatchd's CPU per record at 33k datagrams/s (perf/peers). Flow records
// are seconds old when they arrive, so holding them two milliseconds more costs
// nothing, and a receive buffer of 4 MiB or more (udp_receive_buffer_kb, 32 MiB by
// default) holds more than two milliseconds of what one core can take. Where the
// kernel granted less, the nap is 200 us. A socket that filled a whole batch is read
// again at once: under load there is no nap at all.
#pragma once

#include <poll.h>
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
  static constexpr std::chrono::microseconds kLongNap{2000}, kShortNap{200};
  static constexpr int kLongNapBuffer = 4 << 20;  // bytes of receive buffer for kLongNap

  // `idle_wait`: the longest poll() on empty sockets. Data on them ends it at once, but
  // records other workers hand over do not: with peers it must be short (their rings
  // hold milliseconds); alone, a worker can wait longer and wake less when idle.
  static constexpr std::chrono::milliseconds kIdleWaitAlone{10}, kIdleWaitWithPeers{1};
  UdpPoller(const std::vector<int>& fds, std::chrono::milliseconds idle_wait);
  ~UdpPoller();
  UdpPoller(const UdpPoller&) = delete;
  UdpPoller& operator=(const UdpPoller&) = delete;

  // One batch from each socket that has data into `worker`; returns the datagrams
  // delivered. When every socket is drained, naps (if it delivered anything since the
  // last wait) and waits up to the idle wait for data. Runs the worker's tick when its
  // deadline has passed.
  uint32_t poll(pipeline::Worker& worker);

  const wire::InputCounters& counters() const { return counters_; }

  // For the shutdown, called once a stop is requested: true once a wait after the
  // request found every socket empty (what was queued when the stop came is decoded,
  // not dropped), or kShutdownDrain after the request (an exporter that never pauses
  // cannot hold the shutdown).
  bool drained_after_stop();
  static constexpr std::chrono::seconds kShutdownDrain{1};

 private:
  struct Buffers;
  // SK_MEMINFO_DROPS counted so far, per socket. From 0: the sockets are made for this
  // run, so what they dropped before the first poll (at start-up) was sent to us too.
  std::vector<uint32_t> kernel_drops_;
  std::vector<pollfd> waiting_;         // the sockets, in order; revents: has data
  size_t readable_ = 0;                 // sockets not yet drained since the last wait
  bool delivered_since_wait_ = false;
  bool found_nothing_ = false;  // the last wait found no socket with data
  bool stopping_ = false;
  std::chrono::steady_clock::time_point drain_deadline_;
  std::chrono::microseconds nap_ = kShortNap;
  int idle_wait_ms_;
  void wait_for_data();
  void count_kernel_drops();
  uint32_t receive(size_t socket, pipeline::Worker& worker);

  std::unique_ptr<Buffers> buffers_;
  std::chrono::steady_clock::time_point next_tick_;
  wire::InputCounters counters_;
};

}  // namespace synwatch::socket_input
