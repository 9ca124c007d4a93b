// AlertLoad: synthetic alert events at a fixed rate, on a thread of their own, for the
// subscriber benchmark (perf/e2e/subscribers.sh, synwatchd --bench-alerts). Real
// detectors cannot be made to alert 10,000 times a second on demand; these events have
// the size and shape of real ones (every detector, addresses, a summary and evidence),
// so the alert store, the API's streams and the sinks do the work they would do.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "dataplane/detect/alert.h"

namespace synwatch::control {

class AlertLoad {
 public:
  // Sends `per_second` events to `sink` (thread safe: the store, an outbox) until
  // destroyed, in 1 ms steps so the rate is smooth.
  AlertLoad(detect::AlertSink& sink, uint32_t per_second);
  ~AlertLoad();
  uint64_t sent() const { return sent_.load(std::memory_order_relaxed); }

 private:
  void run();

  detect::AlertSink& sink_;
  const uint32_t per_second_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> sent_{0};
  std::thread thread_;
};

}  // namespace synwatch::control
