#include "control/alerts/alert_store.h"

namespace synwatch::control {

void AlertStore::on_alert(const detect::Alert& alert) {
  {
    std::lock_guard lock(mutex_);
    if (events_.size() == capacity_) events_.pop_front();
    events_.push_back({next_sequence_++, alert});
    auto it = tally_.find(alert.detector);
    if (it == tally_.end()) it = tally_.emplace(std::string(alert.detector), AlertTally::mapped_type{}).first;
    ++it->second[static_cast<size_t>(alert.severity)][static_cast<size_t>(alert.status)];
  }
  arrived_.notify_all();
}

AlertStore::Read AlertStore::read_after(uint64_t after, size_t limit, const AlertQuery& query) const {
  Read r;
  std::lock_guard lock(mutex_);
  r.scanned_to = after;
  if (events_.empty()) return r;
  const uint64_t first = events_.front().sequence;
  if (after + 1 < first) {
    r.missed = first - after - 1;
    after = first - 1;
  }
  // Sequences are dense in the deque: the event after `after` is at a known index.
  for (size_t i = after + 1 - first; i < events_.size() && r.events.size() < limit; ++i) {
    r.scanned_to = events_[i].sequence;
    if (query.matches(events_[i].alert)) r.events.push_back(events_[i]);
  }
  return r;
}

bool AlertStore::wait_after(uint64_t after, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  arrived_.wait_for(lock, timeout, [&] { return closed_ || next_sequence_ - 1 > after; });
  return !closed_;
}

void AlertStore::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  arrived_.notify_all();
}

uint64_t AlertStore::last_sequence_of(const std::string& id) const {
  std::lock_guard lock(mutex_);
  for (auto it = events_.rbegin(); it != events_.rend(); ++it)
    if (it->alert.id == id) return it->sequence;
  return 0;
}

uint64_t AlertStore::last_sequence() const {
  std::lock_guard lock(mutex_);
  return next_sequence_ - 1;
}

uint64_t AlertStore::first_sequence() const {
  std::lock_guard lock(mutex_);
  return events_.empty() ? 0 : events_.front().sequence;
}

uint64_t AlertStore::retained() const {
  std::lock_guard lock(mutex_);
  return events_.size();
}

AlertTally AlertStore::tally() const {
  std::lock_guard lock(mutex_);
  return tally_;
}

void AlertStore::add_subscriber() {
  std::lock_guard lock(mutex_);
  ++subscribers_;
}

void AlertStore::remove_subscriber() {
  std::lock_guard lock(mutex_);
  --subscribers_;
}

void AlertStore::count_missed(uint64_t events) {
  std::lock_guard lock(mutex_);
  subscriber_missed_ += events;
}

void AlertStore::count_evicted() {
  std::lock_guard lock(mutex_);
  ++subscribers_evicted_;
}

uint64_t AlertStore::subscribers_evicted() const {
  std::lock_guard lock(mutex_);
  return subscribers_evicted_;
}

uint32_t AlertStore::subscribers() const {
  std::lock_guard lock(mutex_);
  return subscribers_;
}

uint64_t AlertStore::subscriber_missed() const {
  std::lock_guard lock(mutex_);
  return subscriber_missed_;
}

}  // namespace synwatch::control
