// Count-Min sketch (Cormode & Muthukrishnan 2005): an upper-bound counter for any key in
// fixed memory. The detector tables use it as an admission filter: when a table is
// nearly full, a key is only given an entry once it has been seen more than once, so a
// flood of one-off keys (spoofed sources) cannot push out the keys that matter.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

namespace synwatch::detect {

class CountMin {
 public:
  static constexpr uint32_t kDepth = 4;

  explicit CountMin(uint32_t width_pow2 = 4096) : mask_(width_pow2 - 1), cells_(kDepth * width_pow2) {}

  // Adds one to `hash`'s cells (conservative update) and returns the new estimate.
  uint32_t add(uint64_t hash) {
    uint32_t* cell[kDepth];
    uint32_t least = UINT32_MAX;
    for (uint32_t d = 0; d < kDepth; ++d) {
      cell[d] = &cells_[d * (mask_ + 1) + (index(hash, d) & mask_)];
      least = std::min(least, *cell[d]);
    }
    for (uint32_t* c : cell)
      if (*c == least && least != UINT32_MAX) ++*c;
    return least == UINT32_MAX ? least : least + 1;
  }

  uint32_t estimate(uint64_t hash) const {
    uint32_t least = UINT32_MAX;
    for (uint32_t d = 0; d < kDepth; ++d)
      least = std::min(least, cells_[d * (mask_ + 1) + (index(hash, d) & mask_)]);
    return least;
  }

  // Cells add: the merge of two sketches is the sketch of both streams.
  void merge(const CountMin& other) {
    for (size_t i = 0; i < cells_.size() && i < other.cells_.size(); ++i) cells_[i] += other.cells_[i];
  }

  void clear() { std::fill(cells_.begin(), cells_.end(), 0u); }

 private:
  static uint32_t index(uint64_t hash, uint32_t d) {
    // Four row indexes from one 64-bit hash (Kirsch & Mitzenmacher double hashing).
    const auto h1 = static_cast<uint32_t>(hash), h2 = static_cast<uint32_t>(hash >> 32) | 1;
    return h1 + d * h2;
  }

  uint32_t mask_;
  std::vector<uint32_t> cells_;
};

}  // namespace synwatch::detect
