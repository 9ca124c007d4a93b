#include "dataplane/detect/shard_detector.h"

#include <thread>

namespace synwatch::detect {

ShardDetector::ShardDetector(uint32_t shard, const DetectConfig& config, PartialChannel& channel,
                             session::SessionSink* next, uint32_t partials)
    : shard_(shard),
      config_(config),
      channel_(channel),
      next_(next),
      interval_ms_(int64_t{config.interval_s} * 1000),
      contacted_(config.contacts) {
  for (uint32_t i = 0; i < partials; ++i) {
    owned_.push_back(std::make_unique<IntervalPartial>(config.keys_per_interval, config));
    free_.push_back(owned_.back().get());
  }
}

IntervalPartial* ShardDetector::take_free() {
  if (free_.empty())
    while (IntervalPartial* p = channel_.reclaim(shard_)) free_.push_back(p);
  // Every partial is with the control side, which returns each once merged.
  while (free_.empty() && channel_.waits_for_partials()) {
    if (IntervalPartial* p = channel_.reclaim(shard_)) free_.push_back(p);
    else std::this_thread::yield();
  }
  if (free_.empty()) return nullptr;
  IntervalPartial* p = free_.back();
  free_.pop_back();
  p->clear();
  return p;
}

bool ShardDetector::first_contact(const session::SessionEvent& e, const SessionFacts& f) {
  const bool probe = f.probe != ProbeKind::kNone;
  if (!probe && !(f.attempt && e.established)) return false;
  const bool by_client = !probe || f.prober_is_client;
  const uint64_t key = ConnectionKey::Hash{}({by_client ? e.client : e.server, by_client ? e.server : e.client,
                                               by_client ? e.server_port : e.client_port, session::Perspective::kEdge});
  if (int64_t* last = contacted_.find(key)) {
    *last = std::max(*last, e.start_ms);
    return false;
  }
  if (contacted_.full()) {
    const int64_t victim = contacted_.pick_victim(8, [](int64_t a, int64_t b) { return a < b; });
    if (victim >= 0) contacted_.erase_at(static_cast<uint32_t>(victim));
    counters_.add(DetectCounter::detect_contacts_forgotten);
  }
  if (int64_t* last = contacted_.insert(key)) *last = e.start_ms;
  return true;
}

void ShardDetector::on_session(const session::SessionEvent& e) {
  if (next_ != nullptr) next_->on_session(e);
  counters_.add(DetectCounter::detect_sessions);
  int64_t k = e.decided_ms / interval_ms_;
  if (k <= handed_through_) {
    counters_.add(DetectCounter::detect_late_sessions);
    k = handed_through_ + 1;
  }
  if (open_ != nullptr && k > open_->interval) hand_over(k - 1);
  if (open_ == nullptr) {
    open_ = take_free();
    if (open_ == nullptr) {
      counters_.add(DetectCounter::detect_sessions_dropped);
      return;
    }
    open_->interval = k;
  }
  const SessionFacts f = facts_of(e);
  open_->add(e, f, f.usable && first_contact(e, f));
}

void ShardDetector::on_watermark(int64_t watermark_ms) {
  if (next_ != nullptr) next_->on_watermark(watermark_ms);
  const int64_t through = watermark_ms / interval_ms_ - 1;
  if (through > handed_through_) hand_over(through);
}

void ShardDetector::hand_over(int64_t through) {
  if (open_ != nullptr && open_->interval <= through) {
    const TableCounters t = open_->table_counters();
    if (!channel_.publish(shard_, open_, through)) {
      // The control side is behind: this interval's sessions go on into the next.
      counters_.add(DetectCounter::detect_partials_delayed);
      open_->interval = through + 1;
      return;
    }
    counters_.add(DetectCounter::detect_keys_evicted, t.evicted);
    counters_.add(DetectCounter::detect_keys_refused, t.refused);
    open_ = nullptr;
  } else if (!channel_.publish(shard_, nullptr, through)) {
    return;
  }
  handed_through_ = through;
}

void ShardDetector::finish() {
  if (open_ != nullptr) hand_over(open_->interval);
}

}  // namespace synwatch::detect
