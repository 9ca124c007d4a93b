// HashIndex: the open-addressing index behind synwatch's bounded tables. It maps a hash
// to the id of an entry stored elsewhere (ids below the capacity), with linear probing
// over twice as many slots as entries and backward-shift deletion, so there are no
// tombstones and probe chains stay short. Each slot keeps the low 32 bits of its entry's
// hash beside the id, so a probe touches an entry only when the hashes agree.
// Memory: 16 bytes per entry.
#pragma once

#include <cstdint>
#include <vector>

#include "dataplane/table/huge_page_allocator.h"

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
    const auto tag = static_cast<uint32_t>(hash);
    for (uint32_t s = tag & mask_;; s = (s + 1) & mask_) {
      const uint64_t slot = slots_[s];
      if (slot == 0) return -1;
      if (static_cast<uint32_t>(slot >> 32) == tag && is_match(static_cast<uint32_t>(id_of(slot))))
        return id_of(slot);
    }
  }

  void insert(uint64_t hash, uint32_t id) {
    const auto tag = static_cast<uint32_t>(hash);
    uint32_t s = tag & mask_;
    while (slots_[s] != 0) s = (s + 1) & mask_;
    slots_[s] = uint64_t{tag} << 32 | (uint64_t{id} + 1);
  }

  // Removes entry `id`, stored under `hash`.
  void erase(uint64_t hash, uint32_t id) {
    uint32_t s = static_cast<uint32_t>(hash) & mask_;
    while (id_of(slots_[s]) != id) {
      if (slots_[s] == 0) return;
      s = (s + 1) & mask_;
    }
    uint32_t hole = s;
    for (uint32_t j = (s + 1) & mask_; slots_[j] != 0; j = (j + 1) & mask_) {
      const uint32_t home = static_cast<uint32_t>(slots_[j] >> 32) & mask_;
      const bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = 0;
  }

  // The first id stored under a tag equal to `hash`'s, unverified: a prefetch hint.
  int64_t peek(uint64_t hash) const {
    const auto tag = static_cast<uint32_t>(hash);
    for (uint32_t s = tag & mask_;; s = (s + 1) & mask_) {
      const uint64_t slot = slots_[s];
      if (slot == 0) return -1;
      if (static_cast<uint32_t>(slot >> 32) == tag) return id_of(slot);
    }
  }

  // Brings the slot `hash` starts probing at into cache ahead of find().
  void prefetch(uint64_t hash) const {
    __builtin_prefetch(&slots_[static_cast<uint32_t>(hash) & mask_]);
  }

 private:
  static int64_t id_of(uint64_t slot) { return static_cast<int64_t>(slot & 0xffffffffULL) - 1; }
  HugeVector<uint64_t> slots_;  // hash tag << 32 | (id + 1); 0 is empty
  uint32_t mask_ = 0;
};

}  // namespace synwatch::table
