// DistinctSet: how many distinct values (ports, hashed addresses) a key has seen.
// Exact for the first kExact values, which are also kept for evidence; beyond that a
// HyperLogLog (always fed) estimates the count. Merging is exact and order-free: the
// union of the exact lists while it fits, the register maximum of the sketches.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "dataplane/detect/hyperloglog.h"
#include "dataplane/detect/lowest_values.h"

namespace synwatch::detect {

inline uint64_t mix64(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  return x ^ (x >> 33);
}

class DistinctSet {
 public:
  static constexpr uint32_t kExact = 16;

  void add(uint32_t value) {
    sketch_.add(mix64(value));
    keep_smallest(value);
  }

  void merge(const DistinctSet& other) {
    sketch_.merge(other.sketch_);
    overflowed_ = overflowed_ || other.overflowed_;
    for (uint32_t i = 0; i < other.size_; ++i) keep_smallest(other.values_[i]);
  }

  // Exact while the values fit, else the sketch's estimate (never below what is known).
  uint32_t count() const {
    if (!overflowed_) return size_;
    const auto estimate = static_cast<uint32_t>(sketch_.estimate() + 0.5);
    return std::max(estimate, kExact + 1);
  }
  bool exact() const { return !overflowed_; }
  // The smallest values seen (all of them while exact()), ascending.
  const uint32_t* values() const { return values_.data(); }
  uint32_t stored() const { return size_; }

 private:
  // The list holds the kExact smallest values seen: the same whatever the order of
  // additions and merges. Losing one means the list is no longer the whole set.
  void keep_smallest(uint32_t value) {
    if (keep_lowest(values_, size_, value)) overflowed_ = true;
  }

  std::array<uint32_t, kExact> values_{};
  uint8_t size_ = 0;
  bool overflowed_ = false;
  HyperLogLog<6> sketch_;
};

}  // namespace synwatch::detect
