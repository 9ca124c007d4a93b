// TimerWheel: entry ids (below a fixed capacity) filed under the second they fall due,
// in a ring of one-second slots. Scheduling and cancelling are O(1); advancing costs one
// step per elapsed second (at most one revolution) plus one per due id. An id due beyond
// one revolution fires early: the owner checks the real due time and files it again.
// Slots are first in, first out, so earliest() yields the oldest ids first.
// Memory: 10 bytes per id plus 8 per slot, allocated once.
#pragma once

#include <cstdint>
#include <vector>

namespace synwatch::table {

class TimerWheel {
 public:
  static constexpr uint32_t kNone = 0xffffffffu;

  TimerWheel(uint32_t capacity, uint32_t slots_pow2 = 4096)  // slots_pow2 <= 65536
      : next_(capacity, kNone), prev_(capacity, kNone), heads_(slots_pow2, kNone),
        tails_(slots_pow2, kNone), slot_(capacity, 0), mask_(slots_pow2 - 1) {}

  bool scheduled(uint32_t id) const { return prev_[id] != kNone; }

  // Files `id` (not scheduled) under `due_s`; a time already past goes to the next slot.
  void schedule(uint32_t id, uint32_t due_s) {
    if (!started_) {
      now_ = due_s > 0 ? due_s - 1 : 0;
      started_ = true;
    }
    const uint32_t slot = (due_s > now_ ? due_s : now_ + 1) & mask_;
    slot_[id] = static_cast<uint16_t>(slot);
    next_[id] = kNone;
    if (tails_[slot] == kNone) {
      heads_[slot] = id;
      prev_[id] = kHeadBit | slot;
    } else {
      next_[tails_[slot]] = id;
      prev_[id] = tails_[slot];
    }
    tails_[slot] = id;
  }

  void cancel(uint32_t id) {
    const uint32_t p = prev_[id];
    if (p == kNone) return;
    const uint32_t n = next_[id];
    const uint32_t slot = slot_[id];
    if ((p & kHeadBit) != 0) {
      heads_[slot] = n;
    } else {
      next_[p] = n;
    }
    if (n != kNone) {
      prev_[n] = p;
    } else {
      tails_[slot] = (p & kHeadBit) != 0 ? kNone : p;
    }
    next_[id] = prev_[id] = kNone;
  }

  // Fires every slot up to `now_s`: calls f(id) for each id filed there, unscheduled
  // first (f may file it again).
  template <typename F>
  void advance(uint32_t now_s, F&& f) {
    if (!started_) {
      now_ = now_s;
      started_ = true;
      return;
    }
    uint32_t steps = now_s > now_ ? now_s - now_ : 0;
    if (steps > mask_ + 1) steps = mask_ + 1;
    for (uint32_t i = 1; i <= steps; ++i) {
      const uint32_t slot = (now_ + i) & mask_;
      // Detach the whole slot first: ids filed again land in other (or this) slot anew.
      uint32_t id = heads_[slot];
      heads_[slot] = tails_[slot] = kNone;
      while (id != kNone) {
        const uint32_t n = next_[id];
        next_[id] = prev_[id] = kNone;
        if (n != kNone) prev_[n] = kHeadBit | slot;
        f(id);
        id = n;
      }
    }
    if (now_s > now_) now_ = now_s;
  }

  // Up to `max` ids from the earliest non-empty slots, earliest first; returns the count.
  uint32_t earliest(uint32_t* out, uint32_t max) const {
    uint32_t n = 0;
    for (uint32_t i = 1; i <= mask_ + 1 && n < max; ++i) {
      for (uint32_t id = heads_[(now_ + i) & mask_]; id != kNone && n < max; id = next_[id])
        out[n++] = id;
    }
    return n;
  }

 private:
  static constexpr uint32_t kHeadBit = 0x80000000u;

  std::vector<uint32_t> next_;
  std::vector<uint32_t> prev_;  // previous id, or kHeadBit | slot for a slot's first id
  std::vector<uint32_t> heads_;
  std::vector<uint32_t> tails_;
  std::vector<uint16_t> slot_;  // the slot each scheduled id is filed under
  uint32_t mask_;
  uint32_t now_ = 0;
  bool started_ = false;
};

}  // namespace synwatch::table
