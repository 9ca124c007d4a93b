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

namespace {

// The hash of the (client, server, port) contact a session makes, 0 when it makes none
// that counts: an established connection's client, or a probe's sender.
uint64_t contact_of(const session::SessionEvent& e, const SessionFacts& f) {
  const bool probe = f.probe != ProbeKind::kNone;
  if (!f.usable || (!probe && !(f.attempt && e.established))) return 0;
  const bool by_client = !probe || f.prober_is_client;
  const uint64_t h = ConnectionKey::Hash{}({by_client ? e.client : e.server, by_client ? e.server : e.client,
                                           by_client ? e.server_port : e.client_port, session::Perspective::kEdge});
  return h != 0 ? h : 1;
}

}  // namespace

bool ShardDetector::first_contact(const Pending& p) {
  if (p.contact == 0) return false;
  switch (contacted_.touch(p.contact, p.event.start_ms)) {
    case ContactMemory::Seen::kBefore:
      return false;
    case ContactMemory::Seen::kFirstForgotOne:
      counters_.add(DetectCounter::detect_contacts_forgotten);
      return true;
    case ContactMemory::Seen::kFirst:
      return true;
  }
  return true;
}

void ShardDetector::on_session(const session::SessionEvent& e) {
  if (next_ != nullptr) next_->on_session(e);
  counters_.add(DetectCounter::detect_sessions);
  Pending& p = pending_[pending_count_++];
  p.event = e;
  p.facts = facts_of(e);
  p.contact = contact_of(e, p.facts);
  if (p.contact != 0) contacted_.prefetch(p.contact);
  if (open_ != nullptr) open_->prefetch_slots(e, p.facts);
  if (pending_count_ == kBatch) drain();
}

void ShardDetector::drain() {
  std::array<bool, kBatch> first{};
  for (uint32_t i = 0; i < pending_count_; ++i) {
    first[i] = first_contact(pending_[i]);
    if (open_ != nullptr) open_->prefetch_entries(pending_[i].event, pending_[i].facts);
  }
  for (uint32_t i = 0; i < pending_count_; ++i) add(pending_[i], first[i]);
  pending_count_ = 0;
}

void ShardDetector::add(const Pending& p, bool first_contact) {
  int64_t k = p.event.decided_ms / interval_ms_;
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
  open_->add(p.event, p.facts, first_contact);
}

void ShardDetector::on_watermark(int64_t watermark_ms) {
  if (next_ != nullptr) next_->on_watermark(watermark_ms);
  drain();
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
  drain();
  if (open_ != nullptr) hand_over(open_->interval);
}

}  // namespace synwatch::detect
