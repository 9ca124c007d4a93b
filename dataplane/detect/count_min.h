// Count-Min sketch (Cormode & Muthukrishnan 2005) as the detector tables' admission
// filter: when a table is nearly full, a key is only given an entry once it has been
// seen more than once recently, so a flood of one-off keys (spoofed sources, a wide
// scan's targets) cannot push out the keys that matter.
//
// Two habits of TinyLFU (Einziger et al. 2017) keep it useful under such a flood:
// - **Aging.** After every width / 4 additions all counts are halved, so the estimate is
//   of recent arrivals and a row's cells stay mostly zero: a new key finds a zero among
//   its four cells, and is refused, about 98 times in 100. A plain sketch, never
//   cleared, ends up saying "seen twice" of every new key.
// - **Small counters.** The filter only asks "more than once?", so 8-bit saturating
//   cells are enough. A key's four cells (one per row) lie in one 64-byte block: one
//   cache miss per addition, where four rows would cost four.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <vector>

namespace synwatch::detect {

class CountMin {
 public:
  static constexpr uint32_t kDepth = 4;

  // `width` cells per row, in blocks of 16.
  explicit CountMin(uint32_t width) : blocks_(std::max<uint32_t>(1, width / kRowCells)) {
    window_ = static_cast<uint32_t>(blocks_.size()) * kRowCells / 4;
  }

  // Adds one to `hash`'s cells (conservative update: only the least are raised) and
  // returns the new estimate: at least the key's additions since the last halving but
  // one, at most 255.
  uint32_t add(uint64_t hash) {
    Block& b = blocks_[block_of(hash)];
    uint8_t* cell[kDepth];
    uint8_t least = UINT8_MAX;
    for (uint32_t d = 0; d < kDepth; ++d) {
      cell[d] = &b.rows[d][(hash >> (4 * d)) & (kRowCells - 1)];
      least = std::min(least, *cell[d]);
    }
    if (least < UINT8_MAX)
      for (uint8_t* c : cell)
        if (*c == least) ++*c;
    if (++added_ == window_) halve();
    return least < UINT8_MAX ? least + 1u : least;
  }

  uint32_t estimate(uint64_t hash) const {
    const Block& b = blocks_[block_of(hash)];
    uint8_t least = UINT8_MAX;
    for (uint32_t d = 0; d < kDepth; ++d) least = std::min(least, b.rows[d][(hash >> (4 * d)) & (kRowCells - 1)]);
    return least;
  }

  void prefetch(uint64_t hash) const { __builtin_prefetch(&blocks_[block_of(hash)]); }

  void clear() {
    std::fill(blocks_.begin(), blocks_.end(), Block{});
    added_ = 0;
  }

 private:
  static constexpr uint32_t kRowCells = 16;  // one row's cells in a block
  struct alignas(64) Block {
    std::array<std::array<uint8_t, kRowCells>, kDepth> rows{};
  };

  // The block from the hash's high half, the cells from its low 16 bits: independent.
  uint32_t block_of(uint64_t hash) const {
    return static_cast<uint32_t>((hash >> 32) * blocks_.size() >> 32);
  }

  // Eight cells at a time: shift the word, drop the bit each cell took from its neighbour.
  void halve() {
    for (Block& b : blocks_) {
      uint64_t words[sizeof(Block) / 8];
      std::memcpy(words, &b, sizeof(Block));
      for (uint64_t& w : words) w = (w >> 1) & 0x7f7f7f7f7f7f7f7fULL;
      std::memcpy(&b, words, sizeof(Block));
    }
    added_ = 0;
  }

  std::vector<Block> blocks_;
  uint32_t window_ = 0;  // additions between halvings
  uint32_t added_ = 0;
};

}  // namespace synwatch::detect
