// SpscRing: a bounded single-producer, single-consumer queue of values between two
// threads (Seastar's habit: producer and consumer indexes on their own cache lines, each
// side keeping a cached copy of the other's). push_batch never blocks: what does not fit
// is left to the caller to count as a drop.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace synwatch::pipeline {

template <typename T>
class SpscRing {
 public:
  explicit SpscRing(uint32_t capacity_pow2) : slots_(capacity_pow2), mask_(capacity_pow2 - 1) {}
  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  // Producer: copies up to n items; returns how many fitted.
  size_t push_batch(const T* items, size_t n) {
    const uint64_t head = producer_.head.load(std::memory_order_relaxed);
    if (producer_.cached_tail + slots_.size() - head < n)
      producer_.cached_tail = consumer_.tail.load(std::memory_order_acquire);
    const size_t room = slots_.size() - static_cast<size_t>(head - producer_.cached_tail);
    const size_t count = n < room ? n : room;
    for (size_t i = 0; i < count; ++i) slots_[(head + i) & mask_] = items[i];
    producer_.head.store(head + count, std::memory_order_release);
    return count;
  }

  // Consumer: moves up to max items into `out`; returns how many.
  size_t pop_batch(T* out, size_t max) {
    const uint64_t tail = consumer_.tail.load(std::memory_order_relaxed);
    if (consumer_.cached_head - tail < max)
      consumer_.cached_head = producer_.head.load(std::memory_order_acquire);
    const size_t available = static_cast<size_t>(consumer_.cached_head - tail);
    const size_t count = max < available ? max : available;
    for (size_t i = 0; i < count; ++i) out[i] = slots_[(tail + i) & mask_];
    consumer_.tail.store(tail + count, std::memory_order_release);
    return count;
  }

  bool empty() const {
    return producer_.head.load(std::memory_order_acquire) ==
           consumer_.tail.load(std::memory_order_acquire);
  }

 private:
  std::vector<T> slots_;
  const uint64_t mask_;
  struct alignas(64) Producer {
    std::atomic<uint64_t> head{0};
    uint64_t cached_tail = 0;
  } producer_;
  struct alignas(64) Consumer {
    std::atomic<uint64_t> tail{0};
    uint64_t cached_head = 0;
  } consumer_;
};

}  // namespace synwatch::pipeline
