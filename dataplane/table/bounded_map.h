// BoundedMap: a hash map whose memory is allocated once, at construction, for a fixed
// number of entries. It never grows: insert() returns nullptr at capacity and the owner
// decides what to evict (pick_victim() finds an old entry with bounded work).
//
// Scans (for_each, for_each_slot) stop at the extent, one past the highest slot in use,
// so a map sized for a million entries that holds a dozen costs a dozen to walk: free
// slots are handed out lowest first, and a full scan trims the extent.
#pragma once

#include <algorithm>
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
  explicit BoundedMap(uint32_t capacity) : entries_(capacity), index_(capacity) {
    free_.reserve(capacity);  // every slot could be given back at once
  }

  uint32_t size() const { return fresh_ - static_cast<uint32_t>(free_.size()); }
  uint32_t capacity() const { return static_cast<uint32_t>(entries_.size()); }
  bool full() const { return free_.empty() && fresh_ == capacity(); }

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
    uint32_t e;
    if (!free_.empty()) {
      e = free_.back();
      free_.pop_back();  // the vector keeps its capacity: no allocation
    } else if (fresh_ < capacity()) {
      e = fresh_++;
    } else {
      return nullptr;
    }
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

  // Moves the entries into hash order, lowest slots first, so that scans visit them in
  // an order that depends only on what the map holds, not on the order it was filled
  // in. Work and scratch proportional to the extent: for a reader between fills (the
  // detection engine, once an interval), never for the hot path.
  void sort_by_hash() {
    std::vector<std::pair<uint64_t, uint32_t>> used;  // (hash, slot)
    for (uint32_t i = 0; i < extent_; ++i)
      if (entries_[i].used) used.emplace_back(entries_[i].hash, i);
    std::sort(used.begin(), used.end());
    // src[j]: the slot whose entry slot j takes, the used ones in hash order first, then
    // the unused ones: a permutation of the extent, applied a cycle at a time so that
    // each entry moves once.
    std::vector<uint32_t> src;
    src.reserve(extent_);
    for (const auto& [hash, slot] : used) {
      index_.erase(hash, slot);
      src.push_back(slot);
    }
    for (uint32_t i = 0; i < extent_; ++i)
      if (!entries_[i].used) src.push_back(i);
    for (uint32_t j = 0; j < extent_; ++j) {
      if (src[j] == j) continue;
      Entry held = std::move(entries_[j]);
      for (uint32_t k = j;;) {
        const uint32_t from = src[k];
        src[k] = k;
        if (from == j) {
          entries_[k] = std::move(held);
          break;
        }
        entries_[k] = std::move(entries_[from]);
        k = from;
      }
    }
    const auto n = static_cast<uint32_t>(used.size());
    for (uint32_t j = 0; j < n; ++j) index_.insert(entries_[j].hash, j);
    // Slots n..extent-1 are free now, lowest on top; those above were free already.
    free_.clear();  // keeps its capacity: no allocation
    for (uint32_t i = extent_; i-- > n;) free_.push_back(i);
    fresh_ = extent_;
    extent_ = n;
    hand_ = 0;
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
  std::vector<uint32_t> free_;  // slots given back, below fresh_
  uint32_t fresh_ = 0;           // slots from here up have not been handed out
  HashIndex index_;
  uint32_t hand_ = 0;
  uint32_t extent_ = 0;  // one past the highest slot in use
};

}  // namespace synwatch::table
