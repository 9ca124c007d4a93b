// EngineRequests: how other threads (the API) reach the DetectEngine, whose one writer
// is the detection thread. A caller queues work and waits, with a timeout, for the
// detection thread to run it between two rounds of delivering partials (DPDK's
// ip_pipeline: request and response rings checked every round, a timeout on the
// control side). Nothing is locked on the detection thread's way unless a request waits.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>

namespace synwatch::detect {

class DetectEngine;

class EngineRequests {
 public:
  enum class Outcome { kDone, kTimedOut, kStopped };

  // Any thread: runs `work` on the detection thread. On kTimedOut the work may still
  // run later, so it must own everything it touches (see ask()).
  Outcome run(std::function<void(DetectEngine&)> work, std::chrono::milliseconds timeout);

  // The answer of `f(engine)`, or the outcome that kept it from coming.
  template <typename T>
  Outcome ask(std::function<T(DetectEngine&)> f, std::chrono::milliseconds timeout, T& answer) {
    auto slot = std::make_shared<std::optional<T>>();
    const Outcome o = run([slot, f = std::move(f)](DetectEngine& e) { *slot = f(e); }, timeout);
    if (o == Outcome::kDone) answer = std::move(**slot);
    return o;
  }

  // The detection thread, every round.
  void serve(DetectEngine& engine);
  // The detection thread, once the engine has finished: later requests get kStopped,
  // and waiting ones too.
  void close();

 private:
  struct Job {
    std::function<void(DetectEngine&)> work;
    bool done = false;
  };
  std::mutex mutex_;
  std::condition_variable answered_;
  std::deque<std::shared_ptr<Job>> queue_;
  std::atomic<bool> waiting_{false};
  bool closed_ = false;
};

}  // namespace synwatch::detect
