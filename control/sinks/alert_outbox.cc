#include "control/sinks/alert_outbox.h"

#include <utility>
#include <vector>

#include "dataplane/common/thread_name.h"

namespace synwatch::sinks {

AlertOutbox::AlertOutbox(std::string name, std::unique_ptr<AlertDestination> destination, uint32_t capacity)
    : name_(std::move(name)), destination_(std::move(destination)), capacity_(capacity) {
  thread_ = std::thread([this] {
    name_this_thread("sw-out-" + name_);
    run();
  });
}

AlertOutbox::~AlertOutbox() { close(); }

void AlertOutbox::on_alert(const detect::Alert& alert) {
  {
    std::lock_guard lock(mutex_);
    if (closing_ || queue_.size() >= capacity_) {
      ++counts_.dropped_queue_full;
      return;
    }
    queue_.push_back(alert);
  }
  wake_.notify_one();
}

void AlertOutbox::request_reopen() {
  {
    std::lock_guard lock(mutex_);
    reopen_ = true;
  }
  wake_.notify_one();
}

void AlertOutbox::close() {
  {
    std::lock_guard lock(mutex_);
    if (closing_ && !thread_.joinable()) return;
    closing_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

OutboxCounts AlertOutbox::counts() const {
  std::lock_guard lock(mutex_);
  OutboxCounts c = counts_;
  c.queued = static_cast<uint32_t>(queue_.size());
  return c;
}

void AlertOutbox::run() {
  std::vector<detect::Alert> batch;
  for (;;) {
    bool reopen = false, closing = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return !queue_.empty() || reopen_ || closing_; });
      // Take the whole queue: the lock is held for a swap, never for a delivery.
      batch.assign(std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
      queue_.clear();
      reopen = std::exchange(reopen_, false);
      closing = closing_;
    }
    if (reopen) destination_->reopen();
    uint64_t delivered = 0, failed = 0;
    for (const detect::Alert& a : batch) (destination_->deliver(a) ? delivered : failed) += 1;
    if (!batch.empty()) destination_->flush();
    {
      std::lock_guard lock(mutex_);
      counts_.delivered += delivered;
      counts_.failed += failed;
      if (closing && queue_.empty()) return;
    }
    batch.clear();
  }
}

}  // namespace synwatch::sinks
