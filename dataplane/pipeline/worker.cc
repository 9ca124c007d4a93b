#include "dataplane/pipeline/worker.h"

#include <algorithm>

#include "dataplane/session/session_key.h"

namespace synwatch::pipeline {

Pipeline::Pipeline(uint32_t workers, const decode::DecoderConfig& decoder,
                   const session::SessionConfig& sessions, uint32_t ring_size)
    : count_(workers),
      per_worker_(sessions.share(workers)),
      perspective_(sessions.internal, sessions.external) {
  for (uint32_t i = 0; i < workers * workers; ++i)
    rings_.push_back(std::make_unique<SpscRing<Handoff>>(ring_size));
  for (uint32_t i = 0; i < workers; ++i)
    workers_.push_back(std::make_unique<Worker>(i, *this, decoder, per_worker_, perspective_));
}

Pipeline::~Pipeline() = default;

int64_t Pipeline::final_watermark() const {
  int64_t w = 0;
  for (const auto& worker : workers_) w = std::max(w, worker->watermark());
  return w;
}

Worker::Worker(uint32_t id, Pipeline& pipeline, const decode::DecoderConfig& decoder,
               const session::SessionConfig& sessions, const session::PerspectiveMap& perspective)
    : id_(id),
      pipeline_(pipeline),
      decoder_(decoder),
      table_(sessions, perspective, *this),
      sessions_out_(1u << 16),
      outgoing_(pipeline.size()) {
  for (auto& o : outgoing_) o.reserve(kBatch);
  local_.reserve(kBatch);
  local_watermarks_.reserve(kBatch);
}

void Worker::on_datagram(const decode::ExportContext& ctx, const uint8_t* payload, size_t size) {
  ++datagrams_;
  decoder_.decode(ctx, payload, size, *this);
}

void Worker::on_record(const decode::FlowRecord& r) {
  if (r.export_ms > decode_watermark_) {
    decode_watermark_ = r.export_ms;
    watermark_.store(decode_watermark_, std::memory_order_release);
  }
  const auto owner =
      static_cast<uint32_t>(session::host_pair_hash(r.src, r.dst) % pipeline_.size());
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
    counters_.add(PipelineCounter::records_handed_off, sent);
    counters_.add(PipelineCounter::handoff_ring_full, out.size() - sent);
    out.clear();
  }
}

void Worker::end_burst() {
  flush_outgoing(finishing_ || lossless_);
  if (!local_.empty()) join_local();
}

bool Worker::poll_handoff() {
  bool any = false;
  for (uint32_t from = 0; from < pipeline_.size(); ++from) {
    if (from == id_) continue;
    auto& ring = pipeline_.ring(from, id_);
    for (size_t n; (n = ring.pop_batch(incoming_, kBatch)) > 0;) {
      for (size_t i = 0; i < n; ++i) {
        incoming_records_[i] = incoming_[i].record;
        incoming_watermarks_[i] = incoming_[i].watermark_ms;
      }
      table_.apply_batch(incoming_records_, incoming_watermarks_, n);
      applied_since_tick_ = true;
      any = true;
    }
  }
  return any;
}

void Worker::tick(int64_t wall_ms) {
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
}

void Worker::on_session(const session::SessionEvent& e) {
  // While running a full output ring is a counted drop; at shutdown nothing may be lost,
  // so the worker waits for the writer.
  while (sessions_out_.push_batch(&e, 1) == 0) {
    if (!finishing_) {
      counters_.add(PipelineCounter::session_ring_full);
      return;
    }
  }
}

}  // namespace synwatch::pipeline

