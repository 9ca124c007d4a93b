// AlertStore: the daemon's alert history and the fan-out to live subscribers.
//
// The detection thread appends each alert event (open, update, resolved) with the next
// sequence number; the store keeps the newest `capacity` events and forgets the oldest.
// Readers (gRPC List and Subscribe, metrics) copy events out under a short lock and do
// their slow work (serialising, writing to a socket) without it, each from its own
// cursor. So a slow subscriber costs only itself: when it falls more than `capacity`
// events behind it misses the evicted ones, told how many, and the detection thread
// never waits for anyone.
#pragma once

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "control/alerts/alert_query.h"
#include "dataplane/detect/alert.h"

namespace synwatch::control {

struct StoredAlert {
  uint64_t sequence = 0;
  detect::Alert alert;
};

// Alert events sent, per detector and severity and status (Prometheus).
using AlertTally = std::map<std::string, std::array<std::array<uint64_t, 3>, 4>, std::less<>>;

class AlertStore : public detect::AlertSink {
 public:
  explicit AlertStore(uint32_t capacity) : capacity_(capacity) {}

  // The detection thread.
  void on_alert(const detect::Alert& alert) override;

  // Up to `limit` events with a sequence above `after` that match `query`, oldest first.
  // `missed`: events after `after` that were evicted before this read. `scanned_to`:
  // the last sequence looked at, where the next read continues.
  struct Read {
    std::vector<StoredAlert> events;
    uint64_t missed = 0;
    uint64_t scanned_to = 0;
  };
  Read read_after(uint64_t after, size_t limit, const AlertQuery& query) const;

  // Blocks until an event after `after` exists, the store closes or `timeout` passes;
  // false once closed.
  bool wait_after(uint64_t after, std::chrono::milliseconds timeout) const;
  // Wakes every waiter for good (shutdown).
  void close();

  // The sequence of the last event of alert `id` still retained; 0 if none.
  uint64_t last_sequence_of(const std::string& id) const;
  uint64_t last_sequence() const;
  uint64_t first_sequence() const;  // oldest retained; 0 when empty
  uint64_t retained() const;
  uint32_t capacity() const { return capacity_; }
  AlertTally tally() const;

  // Subscriber bookkeeping: live ones, and events they missed by falling behind.
  void add_subscriber();
  void remove_subscriber();
  void count_missed(uint64_t events);
  void count_evicted();  // a subscriber cancelled for reading nothing (StallWatch)
  uint32_t subscribers() const;
  uint64_t subscriber_missed() const;
  uint64_t subscribers_evicted() const;

 private:
  const uint32_t capacity_;
  mutable std::mutex mutex_;
  mutable std::condition_variable arrived_;
  std::deque<StoredAlert> events_;
  uint64_t next_sequence_ = 1;
  bool closed_ = false;
  AlertTally tally_;
  uint32_t subscribers_ = 0;
  uint64_t subscriber_missed_ = 0;
  uint64_t subscribers_evicted_ = 0;
};

}  // namespace synwatch::control
