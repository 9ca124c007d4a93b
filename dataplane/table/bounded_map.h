// BoundedMap: a hash map whose memory is allocated once, at construction, for a fixed
// number of entries. It never grows: insert() returns nullptr at capacity and the owner
// decides what to evict (pick_victim() finds an old entry with bounded work).
//
// Scans (for_each, for_each_slot) stop at the extent, one past the highest slot in use,
// so a map sized for a million entries that holds a dozen costs a dozen to walk: free
// slots are handed out lowest first, and a full scan trims the extent.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "dataplane/table/hash_index.h"
#include "dataplane/table/huge_page_allocator.h"

namespace synwatch::table {

template <typename Key, typename Value, typename Hash>
class BoundedMap {
 public:
  explicit BoundedMap(uint32_t capacity) : entries_(capacity), free_(capacity), index_(capacity) {
    for (uint32_t i = 0; i < capacity; ++i) free_[i] = capacity - 1 - i;
  }

  uint32_t size() const { return static_cast<uint32_t>(entries_.size() - free_.size()); }
  uint32_t capacity() const { return static_cast<uint32_t>(entries_.size()); }
  bool full() const { return free_.empty(); }

  Value* find(const Key& key) {
    const int64_t id = locate(key, Hash{}(key));
    return id < 0 ? nullptr : &entries_[static_cast<size_t>(id)].value;
  }
  const Value* find(const Key& key) const {
    const int64_t id = locate(key, Hash{}(key));
    return id < 0 ? nullptr : &entries_[static_cast<size_t>(id)].value;
  }

  // Adds `key` with a default-constructed value. The key must not be present.
  // nullptr when the map is full.
  Value* insert(const Key& key) {
    if (free_.empty()) return nullptr;
    const uint32_t e = free_.back();
    free_.pop_back();  // the vector keeps its capacity: no allocation
    Entry& entry = entries_[e];
    entry.key = key;
    entry.value = Value{};
    entry.hash = Hash{}(key);
    entry.used = true;
    index_.insert(entry.hash, e);
    if (e >= extent_) extent_ = e + 1;
    return &entry.value;
  }

  bool erase(const Key& key) {
    const uint64_t h = Hash{}(key);
    const int64_t id = locate(key, h);
    if (id < 0) return false;
    erase_at(static_cast<uint32_t>(id));
    return true;
  }

  // Cache warming ahead of a find() or insert() of a key hashed to `hash`: first the
  // index slot, then, once that is in, the entry (its first two lines).
  void prefetch_slot(uint64_t hash) const { index_.prefetch(hash); }
  void prefetch_entry(uint64_t hash) const {
    const int64_t id = index_.peek(hash);
    if (id < 0) return;
    const char* at = reinterpret_cast<const char*>(&entries_[static_cast<size_t>(id)]);
    __builtin_prefetch(at);
    __builtin_prefetch(at + 64);
  }

  // Entry-order access, for scans and eviction.
  bool used_at(uint32_t i) const { return entries_[i].used; }
  const Key& key_at(uint32_t i) const { return entries_[i].key; }
  Value& value_at(uint32_t i) { return entries_[i].value; }
  const Value& value_at(uint32_t i) const { return entries_[i].value; }
  void erase_at(uint32_t i) {
    index_.erase(entries_[i].hash, i);
    entries_[i].used = false;
    free_.push_back(i);
  }

  template <typename F>
  void for_each(F&& f) {
    for (uint32_t i = 0; i < extent_; ++i)
      if (entries_[i].used) f(entries_[i].key, entries_[i].value);
  }
  template <typename F>
  void for_each(F&& f) const {
    for (uint32_t i = 0; i < extent_; ++i)
      if (entries_[i].used) f(entries_[i].key, entries_[i].value);
  }

  // f(slot) for each slot in use, highest first; f may erase_at(slot). Trims the extent.
  // Slots erased on the way go back to the free list lowest on top, to be reused first.
  template <typename F>
  void for_each_slot(F&& f) {
    uint32_t end = 0;
    for (uint32_t i = extent_; i-- > 0;) {
      if (!entries_[i].used) continue;
      f(i);
      if (end == 0 && entries_[i].used) end = i + 1;
    }
    extent_ = end;
  }

  // Empties the map with work proportional to the extent.
  void clear() {
    for_each_slot([&](uint32_t i) { erase_at(i); });
  }

  // Looks at up to `window` used entries after a rotating hand and returns the index of
  // the one `older(a, b)` ranks oldest; -1 when empty. Bounded work per call, and the
  // hand's rotation means every entry is eventually considered (CLOCK-style).
  template <typename Older>
  int64_t pick_victim(uint32_t window, Older&& older) {
    int64_t best = -1;
    const uint32_t n = extent_;
    for (uint32_t seen = 0, tried = 0; seen < window && tried < n; ++tried) {
      hand_ = hand_ + 1 < n ? hand_ + 1 : 0;  // every used slot lies below the extent
      if (!entries_[hand_].used) continue;
      ++seen;
      if (best < 0 || older(entries_[hand_].value, entries_[best].value)) best = hand_;
    }
    return best;
  }

 private:
  struct Entry {  // hash and key first: a lookup reads one cache line
    uint64_t hash = 0;
    bool used = false;
    Key key{};
    Value value{};
  };

  int64_t locate(const Key& key, uint64_t h) const {
    return index_.find(h, [&](uint32_t id) {
      return entries_[id].hash == h && entries_[id].key == key;
    });
  }

  HugeVector<Entry> entries_;
  std::vector<uint32_t> free_;
  HashIndex index_;
  uint32_t hand_ = 0;
  uint32_t extent_ = 0;  // one past the highest slot in use
};

}  // namespace synwatch::table
