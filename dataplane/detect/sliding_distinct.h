// SlidingDistinct: the distinct values a key has shown over the last W intervals, on the
// control side. Exact for up to kExact values (each with the last interval it was seen
// in); an interval whose own set overflowed contributes its estimate, which counts for
// the window while that interval is in it.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "dataplane/detect/distinct_set.h"

namespace synwatch::detect {

// A distinct count past the exact range is an estimate, and may come out above the
// number of events behind it (50 probes, "52 ports"): it never says more than they.
inline uint32_t clamp_estimate(uint32_t distinct, uint64_t events) {
  return static_cast<uint32_t>(std::min<uint64_t>(distinct, events));
}

class SlidingDistinct {
 public:
  static constexpr uint32_t kExact = 32;

  // Adds interval `k`'s set.
  void add(const DistinctSet& set, int64_t k) {
    for (uint32_t i = 0; i < set.stored(); ++i) touch(set.values()[i], k);
    if (!set.exact() && set.count() >= estimate_) {
      estimate_ = set.count();
      estimate_interval_ = k;
    }
  }

  // Distinct values seen in intervals (now - window, now].
  uint32_t count(int64_t now, int64_t window) const {
    uint32_t n = 0;
    for (uint32_t i = 0; i < size_; ++i) n += entries_[i].last > now - window;
    if (estimate_interval_ > now - window) n = std::max(n, estimate_);
    return n;
  }

  // The values still in the window, ascending, into `out` (at least kExact); returns how many.
  uint32_t values(int64_t now, int64_t window, uint32_t* out) const {
    uint32_t n = 0;
    for (uint32_t i = 0; i < size_; ++i)
      if (entries_[i].last > now - window) out[n++] = entries_[i].value;
    std::sort(out, out + n);
    return n;
  }

 private:
  void touch(uint32_t value, int64_t k) {
    for (uint32_t i = 0; i < size_; ++i)
      if (entries_[i].value == value) {
        entries_[i].last = std::max(entries_[i].last, k);
        return;
      }
    if (size_ < kExact) {
      entries_[size_++] = {value, k};
      return;
    }
    // Full: the value seen longest ago gives way (it leaves the window first).
    auto oldest = std::min_element(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
      return a.last != b.last ? a.last < b.last : a.value < b.value;
    });
    if (oldest->last < k) *oldest = {value, k};
  }

  struct Entry {
    uint32_t value;
    int64_t last;
  };
  std::array<Entry, kExact> entries_{};
  uint32_t size_ = 0;
  uint32_t estimate_ = 0;
  int64_t estimate_interval_ = INT64_MIN / 2;
};

}  // namespace synwatch::detect
