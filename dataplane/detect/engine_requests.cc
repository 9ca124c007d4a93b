#include "dataplane/detect/engine_requests.h"

namespace synwatch::detect {

EngineRequests::Outcome EngineRequests::run(std::function<void(DetectEngine&)> work,
                                            std::chrono::milliseconds timeout) {
  auto job = std::make_shared<Job>();
  job->work = std::move(work);
  std::unique_lock lock(mutex_);
  if (closed_) return Outcome::kStopped;
  queue_.push_back(job);
  waiting_.store(true, std::memory_order_release);
  answered_.wait_for(lock, timeout, [&] { return job->done || closed_; });
  if (job->done) return Outcome::kDone;
  return closed_ ? Outcome::kStopped : Outcome::kTimedOut;
}

void EngineRequests::serve(DetectEngine& engine) {
  if (!waiting_.load(std::memory_order_acquire)) return;
  std::unique_lock lock(mutex_);
  while (!queue_.empty()) {
    std::shared_ptr<Job> job = std::move(queue_.front());
    queue_.pop_front();
    // The work runs without the lock: callers may queue meanwhile.
    lock.unlock();
    job->work(engine);
    lock.lock();
    job->done = true;
  }
  waiting_.store(false, std::memory_order_relaxed);
  answered_.notify_all();
}

void EngineRequests::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  queue_.clear();
  answered_.notify_all();
}

}  // namespace synwatch::detect
