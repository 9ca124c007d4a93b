// AlertOutbox: the detection thread's way to a slow destination. on_alert() copies the
// event into a bounded queue and returns; the outbox's own thread delivers from it. A
// destination that stalls (a full disk, a syslog collector that stopped reading) fills
// the queue, and from then on the newest events are dropped and counted: the detectors,
// and through them the workers' rings, never wait for a sink. close() delivers what was
// accepted before it returns, so a shutdown loses nothing the queue took.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "control/sinks/alert_destination.h"

namespace synwatch::sinks {

struct OutboxCounts {
  uint64_t delivered = 0;
  uint64_t dropped_queue_full = 0;  // refused by on_alert(): the queue was full
  uint64_t failed = 0;              // taken, but the destination could not deliver it
  uint32_t queued = 0;
};

class AlertOutbox : public detect::AlertSink {
 public:
  // `name` labels its metrics ("file", "syslog"); `capacity` bounds the queue.
  AlertOutbox(std::string name, std::unique_ptr<AlertDestination> destination, uint32_t capacity);
  ~AlertOutbox() override;

  // The detection thread: never blocks on the destination.
  void on_alert(const detect::Alert& alert) override;
  // Any thread: the destination reopens before its next delivery (SIGHUP).
  void request_reopen();
  // Delivers everything queued, then stops the thread. Idempotent.
  void close();

  const std::string& name() const { return name_; }
  uint32_t capacity() const { return capacity_; }
  OutboxCounts counts() const;

 private:
  void run();

  const std::string name_;
  const std::unique_ptr<AlertDestination> destination_;
  const uint32_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<detect::Alert> queue_;
  bool closing_ = false, reopen_ = false;
  OutboxCounts counts_;
  std::thread thread_;
};

}  // namespace synwatch::sinks
