// RxPoller: one worker's DPDK input. Each call receives a burst from every queue the
// worker owns, prefetches, reassembles IP fragments of export packets (bounded
// rte_ip_frag table), finds the UDP datagram and feeds it to the worker.
//
// The reassembly table keeps time in milliseconds: wall time (TSC) on live ports, the
// capture's time when every port is a finite capture, so a replay holds and expires
// fragments the same way at any speed. At its bound (reassembly_flows, 16 a bucket) a
// new datagram's fragment is dropped and counted until an entry times out; whole
// packets never touch the table, and its mbufs come out of a share of the pool set
// aside for it (DataplaneConfig::reassembly_mbufs), so a fragment flood cannot starve
// the RX rings.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/daemon/dataplane_config.h"
#include "dataplane/pipeline/worker.h"
#include "dataplane/runtime/dpdk_ports.h"
#include "dataplane/runtime/mbuf_view.h"
#include "dataplane/wire/input_counters.h"

struct rte_ip_frag_tbl;
struct rte_ip_frag_death_row;

namespace synwatch::runtime {

class RxPoller {
 public:
  static constexpr uint16_t kBurst = 32;

  // nullptr with `error` set when the reassembly table cannot be allocated. `capture`:
  // the input is finite captures (a worker without queues then ends with them; on live
  // input it keeps running its timers).
  static std::unique_ptr<RxPoller> create(std::vector<RxQueue> queues,
                                          const daemon::DataplaneConfig& config, bool capture,
                                          std::string& error);
  ~RxPoller();

  // One burst from each queue into `worker`; returns the datagrams delivered. Runs the
  // timers when their TSC deadline has passed.
  uint32_t poll(pipeline::Worker& worker);
  // Every queue is a finite capture and has been empty for a while: end of input.
  bool exhausted() const;
  // Frees fragments held past their time (call when idle too).
  void expire_fragments();
  // Drops, and counts, every fragment still held: at the end of the input, after the
  // worker has stopped.
  void drop_held_fragments();

  const wire::InputCounters& counters() const { return counters_; }

 private:
  RxPoller() = default;
  void deliver(struct rte_mbuf* m, pipeline::Worker& worker, int64_t receive_ms);
  struct rte_mbuf* reassemble(struct rte_mbuf* m, uint64_t now_ms);
  uint64_t ms_of_tsc(uint64_t tsc) const;  // the live reassembly clock
  void free_death_row();

  std::vector<RxQueue> queues_;
  bool all_finite_ = true;
  uint64_t last_rx_tsc_ = 0;
  uint64_t idle_end_tsc_ = 0;  // how long an empty capture queue means the end
  uint64_t tick_tsc_ = 0, next_tick_tsc_ = 0;  // timers: session clock, fragment expiry
  uint64_t tsc_per_ms_ = 1;
  uint64_t reassembly_ms_ = 0;  // the table's clock: newest capture time or wall time
  int timestamp_offset_ = -1;
  uint64_t timestamp_flag_ = 0;
  rte_ip_frag_tbl* fragments_ = nullptr;
  std::unique_ptr<rte_ip_frag_death_row> death_row_;
  std::unique_ptr<ScratchFrame> scratch_;
  wire::InputCounters counters_;
};

}  // namespace synwatch::runtime
