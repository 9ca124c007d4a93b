#include "control/api/stall_watch.h"

#include <algorithm>

namespace synwatch::control {

StallWatch::StallWatch(std::chrono::milliseconds limit, std::function<void(const std::string&)> on_evict)
    : limit_(limit), on_evict_(std::move(on_evict)), thread_([this] { run(); }) {}

StallWatch::~StallWatch() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void StallWatch::run() {
  // Checked a few times per limit: a stalled stream ends between 1 and 1.25 limits.
  const auto every = std::max(limit_ / 4, std::chrono::milliseconds(10));
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, every, [this] { return stop_; })) {
    const auto now = std::chrono::steady_clock::now();
    for (Stream& s : streams_) {
      if (s.writing_since == std::chrono::steady_clock::time_point{} || now - s.writing_since < limit_) continue;
      // The handler is still registered (it unregisters under this lock): its context
      // is alive. The blocked Write returns false and the handler ends the stream.
      s.context->TryCancel();
      s.writing_since = {};
      on_evict_(s.peer);
    }
  }
}

StallWatch::Registration::Registration(StallWatch& watch, grpc::ServerContext* context) : watch_(watch) {
  Stream stream{context, context->peer(), {}};
  std::lock_guard lock(watch_.mutex_);
  at_ = watch_.streams_.insert(watch_.streams_.end(), std::move(stream));
}

StallWatch::Registration::~Registration() {
  std::lock_guard lock(watch_.mutex_);
  watch_.streams_.erase(at_);
}

void StallWatch::Registration::writing() {
  std::lock_guard lock(watch_.mutex_);
  at_->writing_since = std::chrono::steady_clock::now();
}

void StallWatch::Registration::written() {
  std::lock_guard lock(watch_.mutex_);
  at_->writing_since = {};
}

}  // namespace synwatch::control
