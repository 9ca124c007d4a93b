// BoundedMap: a hash map whose memory is allocated once, at construction, for a fixed
// number of entries. It never grows: insert() returns nullptr at capacity and the owner
// decides what to evict (pick_victim() finds an old entry with bounded work).
//
// Open addressing with linear probing over an index twice the capacity; erase uses
// backward-shift deletion, so there are no tombstones and probe chains stay short.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace synwatch::decode {

template <typename Key, typename Value, typename Hash>
class BoundedMap {
 public:
  explicit BoundedMap(uint32_t capacity) : entries_(capacity), free_(capacity) {
    uint32_t slots = 16;
    while (slots < capacity * 2) slots <<= 1;
    index_.assign(slots, 0);
    mask_ = slots - 1;
    for (uint32_t i = 0; i < capacity; ++i) free_[i] = capacity - 1 - i;
  }

  uint32_t size() const { return static_cast<uint32_t>(entries_.size() - free_.size()); }
  uint32_t capacity() const { return static_cast<uint32_t>(entries_.size()); }
  bool full() const { return free_.empty(); }

  Value* find(const Key& key) {
    const uint64_t h = Hash{}(key);
    for (uint32_t s = static_cast<uint32_t>(h) & mask_;; s = (s + 1) & mask_) {
      const uint32_t e = index_[s];
      if (e == 0) return nullptr;
      Entry& entry = entries_[e - 1];
      if (entry.hash == h && entry.key == key) return &entry.value;
    }
  }

  // Adds `key` with a default-constructed value. The key must not be present.
  // nullptr when the map is full.
  Value* insert(const Key& key) {
    if (free_.empty()) return nullptr;
    const uint32_t e = free_.back();
    free_.pop_back();
    Entry& entry = entries_[e];
    entry.key = key;
    entry.value = Value{};
    entry.hash = Hash{}(key);
    entry.used = true;
    uint32_t s = static_cast<uint32_t>(entry.hash) & mask_;
    while (index_[s] != 0) s = (s + 1) & mask_;
    index_[s] = e + 1;
    return &entry.value;
  }

  bool erase(const Key& key) {
    const uint64_t h = Hash{}(key);
    for (uint32_t s = static_cast<uint32_t>(h) & mask_;; s = (s + 1) & mask_) {
      const uint32_t e = index_[s];
      if (e == 0) return false;
      Entry& entry = entries_[e - 1];
      if (entry.hash == h && entry.key == key) {
        remove_slot(s);
        return true;
      }
    }
  }

  // Entry-order access, for scans and eviction.
  bool used_at(uint32_t i) const { return entries_[i].used; }
  const Key& key_at(uint32_t i) const { return entries_[i].key; }
  Value& value_at(uint32_t i) { return entries_[i].value; }
  const Value& value_at(uint32_t i) const { return entries_[i].value; }

  template <typename F>
  void for_each(F&& f) {
    for (auto& entry : entries_)
      if (entry.used) f(entry.key, entry.value);
  }
  template <typename F>
  void for_each(F&& f) const {
    for (const auto& entry : entries_)
      if (entry.used) f(entry.key, entry.value);
  }

  // Looks at up to `window` used entries after a rotating hand and returns the index of
  // the one `older(a, b)` ranks oldest; -1 when empty. Bounded work per call, and the
  // hand's rotation means every entry is eventually considered (CLOCK-style).
  template <typename Older>
  int64_t pick_victim(uint32_t window, Older&& older) {
    int64_t best = -1;
    const uint32_t n = capacity();
    for (uint32_t seen = 0, tried = 0; seen < window && tried < n; ++tried) {
      hand_ = hand_ + 1 < n ? hand_ + 1 : 0;
      if (!entries_[hand_].used) continue;
      ++seen;
      if (best < 0 || older(entries_[hand_].value, entries_[best].value)) best = hand_;
    }
    return best;
  }

  void erase_at(uint32_t i) { erase(Key(entries_[i].key)); }

 private:
  struct Entry {
    Key key{};
    Value value{};
    uint64_t hash = 0;
    bool used = false;
  };

  void remove_slot(uint32_t s) {
    const uint32_t e = index_[s] - 1;
    entries_[e].used = false;
    free_.push_back(e);
    // Backward-shift: pull later members of the probe chain into the hole.
    uint32_t hole = s;
    for (uint32_t j = (s + 1) & mask_; index_[j] != 0; j = (j + 1) & mask_) {
      const uint32_t home = static_cast<uint32_t>(entries_[index_[j] - 1].hash) & mask_;
      const bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
      if (movable) {
        index_[hole] = index_[j];
        hole = j;
      }
    }
    index_[hole] = 0;
  }

  std::vector<Entry> entries_;
  std::vector<uint32_t> free_;
  std::vector<uint32_t> index_;
  uint32_t mask_ = 0;
  uint32_t hand_ = 0;
};

}  // namespace synwatch::decode
