// CappedTable: one detector table of an interval's partial state, bounded by
// configuration and never growing.
//
// At the bound it behaves like Space-Saving (Metwally et al. 2005): the lightest of a
// few entries (by the value's weight(), CLOCK-sampled) gives its place to the new key,
// and a value that can (inherit()) takes over the evicted weight as its error, so heavy
// keys stay and their counts stay upper bounds. Once the table is three-quarters full a
// Count-Min filter admits only keys seen at least twice recently, so one-off keys
// (spoofed sources) do not churn it. Every eviction and refusal is counted.
#pragma once

#include <algorithm>
#include <cstdint>

#include "dataplane/detect/count_min.h"
#include "dataplane/table/bounded_map.h"

namespace synwatch::detect {

struct TableCounters {
  uint64_t evicted = 0;   // entries replaced at the bound
  uint64_t refused = 0;   // updates lost: not admitted by the pre-filter
};

template <typename Key, typename Value, typename Hash>
class CappedTable {
 public:
  explicit CappedTable(uint32_t capacity) : map_(capacity), filter_(filter_width(capacity)) {}

  // The entry of `key`, made if needed; nullptr when the key was not admitted.
  Value* upsert(const Key& key) {
    if (Value* v = map_.find(key)) return v;
    if (map_.size() >= map_.capacity() - map_.capacity() / 4 && admit(key) < 2) {
      ++counters_.refused;
      return nullptr;
    }
    return insert_new(key);
  }

  // The entry of `key`, or nullptr (a reader's look-up: nothing is made or counted).
  const Value* find(const Key& key) const { return map_.find(key); }

  // Cache warming for an upsert of `key` a little later: the index slot first, then
  // (once the slot is in) the entry, or the filter's cells for a key not in the table.
  void prefetch_slot(const Key& key) const { map_.prefetch_slot(Hash{}(key)); }
  void prefetch_entry(const Key& key) const {
    const uint64_t h = Hash{}(key);
    map_.prefetch_entry(h);
    if (filtering_) filter_.prefetch(h);
  }

  // Adds every entry of `other` (another shard's table for the same interval). No
  // pre-filter here: the shards' tables have already chosen their keys, and a table
  // with room for all of them (the engine's) then holds the same sums whatever order
  // the shards' tables arrive in.
  void merge(const CappedTable& other) {
    other.map_.for_each([&](const Key& k, const Value& v) {
      Value* mine = map_.find(k);
      if (mine == nullptr) mine = insert_new(k);
      if (mine != nullptr) mine->merge(v);
    });
    counters_.evicted += other.counters_.evicted;
    counters_.refused += other.counters_.refused;
  }

  // Scans from now on visit the entries in an order set by their keys alone
  // (BoundedMap::sort_by_hash): a merged table then reads the same whatever order the
  // shards' tables arrived in.
  void sort_by_hash() { map_.sort_by_hash(); }

  // Work proportional to what the interval used, not to the capacity.
  void clear() {
    map_.clear();
    if (filtering_) filter_.clear();
    filtering_ = false;
    counters_ = {};
  }

  template <typename F>
  void for_each(F&& f) const {
    map_.for_each(f);
  }
  uint32_t size() const { return map_.size(); }
  bool empty() const { return map_.size() == 0; }
  const TableCounters& counters() const { return counters_; }

 private:
  // A new entry for `key`; at the bound the lightest of a few gives way, and its weight
  // is inherited where the value can take it.
  Value* insert_new(const Key& key) {
    if (map_.full()) {
      const int64_t victim = map_.pick_victim(8, [](const Value& a, const Value& b) {
        return a.weight() < b.weight();
      });
      if (victim < 0) return nullptr;
      const uint64_t inherited = map_.value_at(static_cast<uint32_t>(victim)).weight();
      map_.erase_at(static_cast<uint32_t>(victim));
      ++counters_.evicted;
      Value* v = map_.insert(key);  // never nullptr: a slot was just freed
      if constexpr (requires { v->inherit(inherited); })
        if (v != nullptr) v->inherit(inherited);
      return v;
    }
    return map_.insert(key);
  }

  // Four cells per row per entry: the filter's memory is half the hash index's, and
  // its halving window (width / 4) is one table's worth of new keys.
  static uint32_t filter_width(uint32_t capacity) { return std::max<uint32_t>(capacity, 64) * 4; }

  uint32_t admit(const Key& key) {
    filtering_ = true;
    return filter_.add(Hash{}(key));
  }

  table::BoundedMap<Key, Value, Hash> map_;
  CountMin filter_;
  bool filtering_ = false;  // the filter holds counts to clear
  TableCounters counters_;
};

}  // namespace synwatch::detect
