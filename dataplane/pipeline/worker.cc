#include "dataplane/pipeline/worker.h"

#include <algorithm>
#include <thread>

#include "dataplane/session/session_key.h"

namespace synwatch::pipeline {

Pipeline::Pipeline(uint32_t workers, const decode::DecoderConfig& decoder,
                   const session::SessionConfig& sessions, uint32_t ring_size,
                   const detect::DetectConfig* detection,
                   std::shared_ptr<const signature::SignatureSet> signatures)
    : count_(workers),
      per_worker_(sessions.share(workers)),
      live_(std::make_unique<LiveSettings>(sessions, decoder, std::move(signatures))) {
  signature_matches_.hold(live_->signatures);
  const bool detect = detection != nullptr && detection->enabled;
  if (detect) {
    detect_share_ = detection->share(workers);
    partials_ = std::make_unique<PartialRings>(workers);
  }
  for (uint32_t i = 0; i < workers * workers; ++i)
    rings_.push_back(std::make_unique<SpscRing<Handoff>>(ring_size));
  for (uint32_t i = 0; i < workers; ++i)
    workers_.push_back(std::make_unique<Worker>(i, *this, decoder, per_worker_, *live_,
                                                detect ? &detect_share_ : nullptr, partials_.get()));
}

void Pipeline::set_lossless(bool lossless) {
  for (auto& w : workers_) w->set_lossless(lossless);
  if (partials_) partials_->set_lossless(lossless);
}

Pipeline::~Pipeline() = default;

std::string Pipeline::switch_live_settings(std::unique_ptr<LiveSettings> next, std::chrono::milliseconds settle) {
  std::lock_guard lock(switching_);
  next->generation = live_->generation + 1;
  // All or none: the generations a worker has not taken yet are what its ring holds, so
  // a worker that has not run for four changes refuses this one for every worker.
  for (size_t i = 0; i < workers_.size(); ++i)
    if (!workers_[i]->sessions_finished() && live_->generation - workers_[i]->settings_generation() >= 4)
      return "worker " + std::to_string(i) + " has not taken the last changes yet; nothing was applied";
  for (const auto& w : workers_)
    if (!w->sessions_finished()) w->post_settings(next.get());  // room: checked above, one producer
  signature_matches_.hold(next->signatures);
  retired_.push_back(std::move(live_));
  live_ = std::move(next);
  const auto deadline = std::chrono::steady_clock::now() + settle;
  for (;;) {
    free_settings_no_worker_uses();
    if (retired_.empty() || std::chrono::steady_clock::now() >= deadline) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return {};
}

void Pipeline::free_settings_no_worker_uses() {
  uint64_t oldest = live_->generation;
  for (const auto& w : workers_)
    if (!w->sessions_finished()) oldest = std::min(oldest, w->settings_generation());
  std::erase_if(retired_, [oldest](const std::unique_ptr<LiveSettings>& s) { return s->generation < oldest; });
  signature_matches_.release_unused([this](const signature::SignatureSet* set) {
    return live_->signatures.get() == set ||
           std::any_of(retired_.begin(), retired_.end(),
                       [set](const std::unique_ptr<LiveSettings>& s) { return s->signatures.get() == set; });
  });
}

int64_t Pipeline::final_watermark() const {
  int64_t w = 0;
  for (const auto& worker : workers_) w = std::max(w, worker->watermark());
  return w;
}

Worker::Worker(uint32_t id, Pipeline& pipeline, const decode::DecoderConfig& decoder,
               const session::SessionConfig& sessions, const LiveSettings& live,
               const detect::DetectConfig* detection, PartialRings* partials)
    : id_(id),
      pipeline_(pipeline),
      decoder_(decoder),
      detector_(detection != nullptr && partials != nullptr
                    ? std::make_unique<detect::ShardDetector>(id, *detection, *partials,
                                                            static_cast<session::SessionSink*>(this))
                    : nullptr),
      table_(sessions, live.perspective,
             detector_ ? static_cast<session::SessionSink&>(*detector_) : *this),
      sessions_out_(1u << 16),
      outgoing_(pipeline.size()),
      outgoing_notices_(pipeline.size(), 0) {
  for (auto& o : outgoing_) o.reserve(kBatch);
  local_.reserve(kBatch);
  local_watermarks_.reserve(kBatch);
  table_.use_address_plan(live.perspective, live.services);
  decoder_.use_sampling_overrides(live.sampling_overrides);
  decoder_.use_interface_classifier(&scanner_);
  scanner_.use(live.signatures.get(), id_);
  settings_generation_.store(live.generation, std::memory_order_release);
}

void Worker::take_settings() {
  const LiveSettings* next[4];
  const size_t n = settings_in_.pop_batch(next, 4);
  if (n == 0) return;
  const LiveSettings& live = *next[n - 1];  // only the newest matters
  table_.use_address_plan(live.perspective, live.services);
  decoder_.use_sampling_overrides(live.sampling_overrides);
  scanner_.use(live.signatures.get(), id_);
  settings_generation_.store(live.generation, std::memory_order_release);
}

void Worker::on_datagram(const decode::ExportContext& ctx, const uint8_t* payload, size_t size) {
  ++datagrams_;
  decoder_.decode(ctx, payload, size, *this);
}

// Once a record of the burst waits to be scanned, the rest of the burst waits behind it
// (scan_stage.h).
void Worker::on_record(const decode::FlowRecord& r) {
  stage_.take(r, nullptr, scanner_, [this](const decode::FlowRecord& x) { route(x); });
}

void Worker::on_record_with_spans(const decode::FlowRecord& r, const decode::RecordSpans& spans) {
  stage_.take(r, &spans, scanner_, [this](const decode::FlowRecord& x) { route(x); });
}

void Worker::route(const decode::FlowRecord& r) {
  if (r.export_ms > decode_watermark_) {
    const bool new_second = r.export_ms / 1000 != decode_watermark_ / 1000;
    decode_watermark_ = r.export_ms;
    watermark_.store(decode_watermark_, std::memory_order_release);
    if (new_second && pipeline_.size() > 1) announce_second();
  }
  const uint32_t owner = pipeline_.size() == 1
                             ? id_
                             : static_cast<uint32_t>(session::host_pair_hash(r.src, r.dst) %
                                                     pipeline_.size());
  if (owner == id_) {
    local_.push_back(r);
    local_watermarks_.push_back(decode_watermark_);
    if (local_.size() == kBatch) join_local();
    return;
  }
  auto& out = outgoing_[owner];
  out.push_back({r, decode_watermark_});
  if (out.size() == kBatch) flush_outgoing(finishing_ || lossless_);
}

// Every worker's table advances to the new second at this point of the record stream,
// as SessionShards advances every shard in the offline replay.
void Worker::announce_second() {
  if (!local_.empty()) join_local();
  table_.advance(decode_watermark_);
  for (uint32_t to = 0; to < outgoing_.size(); ++to) {
    if (to == id_) continue;
    auto& out = outgoing_[to];
    out.push_back({decode::FlowRecord{}, decode_watermark_, true});
    ++outgoing_notices_[to];
    if (out.size() == kBatch) flush_outgoing(finishing_ || lossless_);
  }
}

void Worker::join_local() {
  applied_since_tick_ = true;
  table_.apply_batch(local_.data(), local_watermarks_.data(), local_.size());
  local_.clear();
  local_watermarks_.clear();
}

void Worker::flush_outgoing(bool wait_for_room) {
  for (uint32_t to = 0; to < outgoing_.size(); ++to) {
    auto& out = outgoing_[to];
    if (out.empty()) continue;
    auto& ring = pipeline_.ring(id_, to);
    size_t sent = ring.push_batch(out.data(), out.size());
    // Waiting (at shutdown, or for capture input) keeps draining this worker's own
    // incoming rings, so two workers waiting on each other both make progress.
    while (wait_for_room && sent < out.size()) {
      poll_handoff();
      sent += ring.push_batch(out.data() + sent, out.size() - sent);
    }
    // A lost notice costs nothing (the next record or notice carries the clock): only
    // records count.
    uint64_t notices_lost = 0;
    for (size_t i = sent; i < out.size(); ++i) notices_lost += out[i].advance_only ? 1 : 0;
    const uint64_t notices_sent = outgoing_notices_[to] - notices_lost;
    counters_.add(PipelineCounter::records_handed_off, sent - notices_sent);
    counters_.add(PipelineCounter::handoff_ring_full, out.size() - sent - notices_lost);
    out.clear();
    outgoing_notices_[to] = 0;
  }
}

void Worker::end_burst() {
  stage_.end_burst(scanner_, [this](const decode::FlowRecord& r) { route(r); });
  flush_outgoing(finishing_ || lossless_);
  if (!local_.empty()) join_local();
}

bool Worker::poll_handoff() {
  bool any = false;
  for (uint32_t from = 0; from < pipeline_.size(); ++from) {
    if (from == id_) continue;
    auto& ring = pipeline_.ring(from, id_);
    for (size_t n; (n = ring.pop_batch(incoming_, kBatch)) > 0;) {
      apply_incoming(n);
      applied_since_tick_ = true;
      any = true;
    }
  }
  return any;
}

// The records of incoming_[0, n) in order; a notice applies the records before it, then
// advances the table.
void Worker::apply_incoming(size_t n) {
  size_t records = 0;
  for (size_t i = 0; i < n; ++i) {
    if (incoming_[i].advance_only) {
      table_.apply_batch(incoming_records_, incoming_watermarks_, records);
      records = 0;
      table_.advance(incoming_[i].watermark_ms);
      continue;
    }
    incoming_records_[records] = incoming_[i].record;
    incoming_watermarks_[records++] = incoming_[i].watermark_ms;
  }
  table_.apply_batch(incoming_records_, incoming_watermarks_, records);
}

void Worker::publish_stats(bool final) {
  WorkerStats s;
  s.datagrams = datagrams_;
  decoder_.exporters().for_each([&](const wire::IpAddress& address, const decode::ExporterState& e) {
    s.records += e.records;
    ++s.exporters;
    s.exporter_list.add(address, e);
  });
  s.sessions_live = table_.size();
  s.sessions_capacity = table_.capacity();
  s.interfaces = decoder_.interfaces().count_roles();
  if (input_counters_ != nullptr) s.input = *input_counters_;
  s.packets = packet_counters_;
  s.decode = decoder_.total_counters();
  s.sessions = table_.counters();
  s.handoff = counters_;
  if (detector_ != nullptr) {
    s.detection = true;
    s.detect = detector_->counters();
  }
  stats_.publish(s, final);
}

void Worker::tick(int64_t wall_ms) {
  publish_stats();
  if (applied_since_tick_ || anchor_wall_ms_ == 0) {
    applied_since_tick_ = false;
    anchor_wall_ms_ = wall_ms;
    anchor_watermark_ms_ = table_.watermark();
    return;
  }
  constexpr int64_t kIdleMs = 1000;
  const int64_t idle = wall_ms - anchor_wall_ms_;
  if (idle >= kIdleMs && anchor_watermark_ms_ > 0) table_.advance(anchor_watermark_ms_ + idle);
}

void Worker::finish_input() {
  finishing_ = true;
  end_burst();
  pipeline_.input_finished();
}

void Worker::finish_sessions(int64_t final_watermark_ms) {
  while (poll_handoff()) {
  }
  table_.advance(final_watermark_ms);
  table_.flush();
  if (detector_) detector_->finish();
  publish_stats(true);
}

void Worker::on_session(const session::SessionEvent& e) {
  // Live, a full output ring is a counted drop; replaying a capture, and at shutdown,
  // nothing may be lost, so the worker waits for the writer.
  while (sessions_out_.push_batch(&e, 1) == 0) {
    if (!finishing_ && !lossless_) {
      counters_.add(PipelineCounter::session_ring_full);
      return;
    }
  }
}

}  // namespace synwatch::pipeline

