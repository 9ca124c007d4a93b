// HashIndex: the open-addressing index behind synwatch's bounded tables. It maps a
// 64-bit hash to the id of an entry stored elsewhere (ids below the capacity), with
// linear probing over twice as many slots as entries and backward-shift deletion, so
// there are no tombstones and probe chains stay short. Memory: 8 bytes per entry.
#pragma once

#include <cstdint>
#include <vector>

namespace synwatch::table {

class HashIndex {
 public:
  explicit HashIndex(uint32_t capacity) {
    uint32_t slots = 16;
    while (slots < capacity * 2) slots <<= 1;
    slots_.assign(slots, 0);
    mask_ = slots - 1;
  }

  // The id of the entry `is_match(id)` accepts among those stored under `hash`; -1 if none.
  template <typename Match>
  int64_t find(uint64_t hash, Match&& is_match) const {
    for (uint32_t s = home(hash);; s = (s + 1) & mask_) {
      const uint32_t e = slots_[s];
      if (e == 0) return -1;
      if (is_match(e - 1)) return e - 1;
    }
  }

  void insert(uint64_t hash, uint32_t id) {
    uint32_t s = home(hash);
    while (slots_[s] != 0) s = (s + 1) & mask_;
    slots_[s] = id + 1;
  }

  // Removes entry `id` stored under `hash`; `hash_of(id)` gives any stored entry's hash.
  template <typename HashOf>
  void erase(uint64_t hash, uint32_t id, HashOf&& hash_of) {
    uint32_t s = home(hash);
    while (slots_[s] != id + 1) {
      if (slots_[s] == 0) return;
      s = (s + 1) & mask_;
    }
    uint32_t hole = s;
    for (uint32_t j = (s + 1) & mask_; slots_[j] != 0; j = (j + 1) & mask_) {
      const uint32_t h = home(hash_of(slots_[j] - 1));
      const bool movable = hole <= j ? (h <= hole || h > j) : (h <= hole && h > j);
      if (movable) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = 0;
  }

 private:
  uint32_t home(uint64_t hash) const { return static_cast<uint32_t>(hash) & mask_; }
  std::vector<uint32_t> slots_;
  uint32_t mask_ = 0;
};

}  // namespace synwatch::table
