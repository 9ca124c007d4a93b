// Worker: one core's share of the pipeline, whatever feeds it (DPDK queues, kernel
// sockets, a capture): export datagrams in, decoded records routed to the worker that
// owns their host pair (itself, or another over a single-producer single-consumer ring),
// sessions joined in its own table, decided sessions out over its own ring.
//
// Each record travels with the watermark of the worker that decoded it, so a session
// table applies it exactly as the offline replay would: the same sessions for any number
// of workers when one worker reads the input (a capture).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dataplane/decode/decoder.h"
#include "dataplane/detect/shard_detector.h"
#include "dataplane/pipeline/live_settings.h"
#include "dataplane/pipeline/partial_rings.h"
#include "dataplane/pipeline/pipeline_counters.h"
#include "dataplane/pipeline/spsc_ring.h"
#include "dataplane/pipeline/worker_stats.h"
#include "dataplane/session/session_table.h"
#include "dataplane/signature/match_tally.h"
#include "dataplane/signature/scan_stage.h"
#include "dataplane/signature/signature_scanner.h"
#include "dataplane/wire/packet_view.h"
#include "dataplane/wire/port_stats.h"

namespace synwatch::pipeline {

// A record for the worker owning its host pair, or (advance_only) the news that the
// decoding worker's export clock reached a new second: workers that own no record of
// that second still decide their sessions and pass detection intervals on time.
struct Handoff {
  decode::FlowRecord record;
  int64_t watermark_ms;
  bool advance_only = false;
};

class Worker;

// The workers and the rings between them, built once before the workers start.
class Pipeline {
 public:
  // `detection` (when set and enabled) puts a ShardDetector behind every worker's table;
  // the control side drains partials() into one DetectEngine.
  // `signatures`: compiled for `workers` workers, or null (no scanning).
  Pipeline(uint32_t workers, const decode::DecoderConfig& decoder,
           const session::SessionConfig& sessions, uint32_t ring_size = 4096,
           const detect::DetectConfig* detection = nullptr,
           std::shared_ptr<const signature::SignatureSet> signatures = nullptr);
  ~Pipeline();

  uint32_t size() const { return count_; }
  Worker& worker(uint32_t i) { return *workers_[i]; }
  const Worker& worker(uint32_t i) const { return *workers_[i]; }
  SpscRing<Handoff>& ring(uint32_t from, uint32_t to) { return *rings_[from * size() + to]; }
  // Null when detection is off.
  PartialRings* partials() { return partials_.get(); }
  // Capture input: every worker and the detection channel wait instead of dropping.
  void set_lossless(bool lossless);

  // Shutdown, step by step across threads: every worker calls finish_input() once its
  // input has stopped; finish_sessions() once finished_inputs() == size().
  uint32_t finished_inputs() const { return finished_inputs_.load(std::memory_order_acquire); }
  void input_finished() { finished_inputs_.fetch_add(1, std::memory_order_acq_rel); }
  // The newest watermark any worker decoded, for the final decisions.
  int64_t final_watermark() const;

  // Control side, any thread: every worker switches to `next` between two of its
  // bursts (live_settings.h). Returns "" once posted to every worker, else why nothing
  // was posted. Waits up to `settle` for the workers to take it, to free what they left.
  std::string switch_live_settings(std::unique_ptr<LiveSettings> next,
                                   std::chrono::milliseconds settle = std::chrono::milliseconds(1000));
  // The settings the workers run (or are about to: posted, not yet taken). The control
  // thread that switches them only.
  const LiveSettings& live_settings() const { return *live_; }
  // Signature matches per rule since start, across rule sets (any thread).
  const signature::MatchTally& signature_matches() const { return signature_matches_; }

  // The NIC ports' counters, for the control plane: the DPDK input sets a reader while
  // its ports run and clears it before they stop; empty without one (kernel sockets).
  using PortStatsReader = std::function<std::vector<wire::PortStats>()>;
  void set_port_stats_reader(PortStatsReader reader) {
    std::lock_guard lock(port_stats_mutex_);
    port_stats_ = std::move(reader);
  }
  std::vector<wire::PortStats> port_stats() const {
    std::lock_guard lock(port_stats_mutex_);  // held while reading: the ports cannot go meanwhile
    return port_stats_ ? port_stats_() : std::vector<wire::PortStats>{};
  }

 private:
  void free_settings_no_worker_uses();

  uint32_t count_;
  session::SessionConfig per_worker_;
  std::unique_ptr<LiveSettings> live_;
  std::vector<std::unique_ptr<LiveSettings>> retired_;  // until every worker has moved past
  signature::MatchTally signature_matches_;
  std::mutex switching_;
  mutable std::mutex port_stats_mutex_;
  PortStatsReader port_stats_;
  detect::DetectConfig detect_share_;
  std::unique_ptr<PartialRings> partials_;
  std::vector<std::unique_ptr<SpscRing<Handoff>>> rings_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<uint32_t> finished_inputs_{0};
};

class Worker : private decode::RecordSink, private session::SessionSink {
 public:
  // `detection` (this worker's share) with `partials`: a ShardDetector sits between the
  // table and the output ring.
  Worker(uint32_t id, Pipeline& pipeline, const decode::DecoderConfig& decoder,
         const session::SessionConfig& sessions, const LiveSettings& live,
         const detect::DetectConfig* detection = nullptr, PartialRings* partials = nullptr);

  // Runtime settings. The control side posts (false: the ring is full); the worker
  // takes what was posted between two bursts and publishes the generation it runs.
  bool post_settings(const LiveSettings* next) { return settings_in_.push_batch(&next, 1) == 1; }
  void take_settings();
  uint64_t settings_generation() const { return settings_generation_.load(std::memory_order_acquire); }

  // One received export datagram. Records for other workers wait in per-destination
  // batches until end_burst().
  void on_datagram(const decode::ExportContext& ctx, const uint8_t* payload, size_t size);
  // Hands the burst's records over and joins this worker's own.
  void end_burst();
  // Joins what other workers handed over; false when there was nothing.
  bool poll_handoff();
  // Capture input can wait for a full hand-off ring (joining its own meanwhile) instead
  // of dropping: nothing is lost and the result does not depend on thread timing. Live
  // input must not wait: a full ring is a counted drop.
  void set_lossless(bool lossless) { lossless_ = lossless; }
  // Live input only, every kTickMs from the input's poller: export time passes while
  // no record arrives. Once this worker's table has seen nothing for a second of wall
  // time, its clock runs on from its last watermark by the wall time since, so idle
  // sessions are still decided.
  static constexpr int64_t kTickMs = 100;
  void tick(int64_t wall_ms);

  // The counters of the input in front of this worker (its poller's), copied into its
  // published stats. Set before the worker starts; read on the worker's thread only.
  void set_input_counters(const wire::InputCounters* input) { input_counters_ = input; }
  // Copies this worker's counters into stats() (every tick and at the end of
  // finish_sessions(); inputs with no tick call it themselves).
  void publish_stats(bool final = false);
  // Any thread, any time: the last published copy.
  const StatsSlot& stats() const { return stats_; }

  // Shutdown. finish_input(): the last records are handed over, waiting for room rather
  // than dropping them. finish_sessions(): everything handed over is joined, then every
  // session is decided at the final watermark.
  void finish_input();
  void finish_sessions(int64_t final_watermark_ms);

  // Decided sessions, for the writer thread; done once finish_sessions() has returned.
  SpscRing<session::SessionEvent>& sessions_out() { return sessions_out_; }
  void sessions_done() { sessions_done_.store(true, std::memory_order_release); }
  bool sessions_finished() const { return sessions_done_.load(std::memory_order_acquire); }

  int64_t watermark() const { return watermark_.load(std::memory_order_acquire); }
  const decode::Decoder& decoder() const { return decoder_; }
  const session::SessionTable& table() const { return table_; }
  const PipelineCounters& counters() const { return counters_; }
  // Null when detection is off.
  const detect::ShardDetector* detector() const { return detector_.get(); }
  wire::PacketCounters& packet_counters() { return packet_counters_; }
  const wire::PacketCounters& packet_counters() const { return packet_counters_; }
  uint64_t datagrams() const { return datagrams_; }

 private:
  void on_record(const decode::FlowRecord& r) override;
  void on_record_with_spans(const decode::FlowRecord& r, const decode::RecordSpans& spans) override;
  void route(const decode::FlowRecord& r);  // to this worker's table or another's
  void on_session(const session::SessionEvent& e) override;
  void flush_outgoing(bool wait_for_room);
  void join_local();
  void announce_second();
  void apply_incoming(size_t n);

  uint32_t id_;
  Pipeline& pipeline_;
  decode::Decoder decoder_;
  std::unique_ptr<detect::ShardDetector> detector_;  // before table_: the table's sink
  session::SessionTable table_;
  SpscRing<session::SessionEvent> sessions_out_;
  SpscRing<const LiveSettings*> settings_in_{4};
  signature::SignatureScanner scanner_;
  signature::ScanStage stage_;  // empty between bursts, when the settings may change
  std::atomic<uint64_t> settings_generation_{0};
  bool finishing_ = false;
  bool lossless_ = false;
  std::atomic<bool> sessions_done_{false};
  std::atomic<int64_t> watermark_{0};
  int64_t decode_watermark_ = 0;
  bool applied_since_tick_ = false;
  int64_t anchor_wall_ms_ = 0, anchor_watermark_ms_ = 0;
  static constexpr size_t kBatch = 64;
  std::vector<std::vector<Handoff>> outgoing_;  // per destination, at most kBatch
  std::vector<uint32_t> outgoing_notices_;      // advance_only entries among them
  std::vector<decode::FlowRecord> local_;       // this worker's own, at most kBatch
  std::vector<int64_t> local_watermarks_;
  Handoff incoming_[kBatch];
  decode::FlowRecord incoming_records_[kBatch];
  int64_t incoming_watermarks_[kBatch];
  PipelineCounters counters_;
  wire::PacketCounters packet_counters_;
  uint64_t datagrams_ = 0;
  const wire::InputCounters* input_counters_ = nullptr;
  StatsSlot stats_;
};

}  // namespace synwatch::pipeline
