// The bounded pieces of a worker's detection state under floods of new keys: the
// Count-Min admission filter, the capped tables it guards, and the first-contact memory.
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "dataplane/detect/capped_table.h"
#include "dataplane/detect/contact_memory.h"
#include "dataplane/detect/count_min.h"
#include "dataplane/detect/distinct_set.h"

namespace synwatch::detect {
namespace {

TEST(CountMin, NeverUndercountsBetweenHalvings) {
  CountMin sketch(1u << 14);  // halves after 4,096 additions
  uint32_t added = 0;
  for (uint32_t round = 1; round <= 3; ++round)
    for (uint64_t key = 1; key <= 1000; ++key, ++added) {
      const uint32_t estimate = sketch.add(mix64(key));
      ASSERT_LT(added, 4096u);
      EXPECT_GE(estimate, round) << "key " << key;
    }
}

TEST(CountMin, RefusesAFloodOfOneOffKeysButAdmitsRepeats) {
  CountMin sketch(1u << 15);
  uint32_t admitted = 0;
  constexpr uint32_t kFlood = 1'000'000;
  for (uint64_t key = 0; key < kFlood; ++key) {
    admitted += sketch.add(mix64(key)) >= 2;
    // A key that comes back soon is admitted (by its third arrival, should a halving
    // fall between the first two).
    if (key % 1000 == 0) {
      const uint64_t back = mix64(key + (1ull << 40));
      sketch.add(back), sketch.add(back);
      EXPECT_GE(sketch.add(back), 2u) << key;
    }
  }
  // A plain sketch of this width says "seen twice" of nearly every key by the end.
  EXPECT_LT(admitted, kFlood / 20) << admitted << " of " << kFlood << " one-off keys admitted";
}

TEST(CountMin, HalvingForgetsOldArrivals) {
  CountMin sketch(64);  // halves after 16 additions
  const uint64_t key = mix64(7);
  for (int i = 0; i < 8; ++i) sketch.add(key);
  EXPECT_GE(sketch.estimate(key), 8u);
  for (uint64_t other = 100; other < 100 + 8 + 16 * 4; ++other) sketch.add(mix64(other));
  EXPECT_LT(sketch.estimate(key), 2u);
}

struct Tally {
  uint32_t n = 0;
  uint64_t weight() const { return n; }
  void merge(const Tally& o) { n += o.n; }
};
struct IdentityHash {
  uint64_t operator()(uint64_t k) const { return k; }
};

TEST(CappedTable, KeepsItsHeavyKeysThroughAFloodOfOneOffKeys) {
  constexpr uint32_t kCapacity = 1024;
  CappedTable<uint64_t, Tally, IdentityHash> table(kCapacity);
  // 64 heavy keys, each back every 256 one-off keys, among a million one-off keys.
  uint64_t flood = 1ull << 32;
  for (uint32_t i = 0; i < 1'000'000; ++i) {
    if (i % 4 == 0) {
      const uint64_t heavy = mix64(i / 4 % 64);
      if (Tally* t = table.upsert(heavy)) ++t->n;
    }
    if (Tally* t = table.upsert(mix64(flood++))) ++t->n;
    ASSERT_LE(table.size(), kCapacity);
  }
  uint32_t heavy_kept = 0;
  table.for_each([&](uint64_t k, const Tally& t) {
    for (uint64_t h = 0; h < 64; ++h)
      if (k == mix64(h)) heavy_kept += t.n >= 8;
  });
  EXPECT_EQ(heavy_kept, 64u);
  // Most one-off keys were refused at the door rather than churning the table.
  EXPECT_GT(table.counters().refused, 10 * table.counters().evicted)
      << "refused " << table.counters().refused << ", evicted " << table.counters().evicted;
}

// The detection engine's merge: a table with room for every shard's keys takes them
// all (no pre-filter, no eviction), and once sorted it reads the same whichever shard's
// table came first. Before, the merge refused keys past three-quarters full, and which
// keys depended on the order the shards' partials reached the control thread.
TEST(CappedTable, MergesEveryShardsKeysAlikeInAnyOrder) {
  constexpr uint32_t kPerShard = 256, kShards = 4;
  std::vector<CappedTable<uint64_t, Tally, IdentityHash>> shards;
  for (uint32_t s = 0; s < kShards; ++s) {
    shards.emplace_back(kPerShard);
    // Each shard full: its own keys, and some every shard saw. A key past
    // three-quarters full gets in on its second try (the pre-filter's "seen twice").
    for (uint64_t k = 0; k < kPerShard; ++k) {
      const uint64_t key = k < 64 ? mix64(k) : mix64(1000 * (s + 1) + k);
      Tally* t = shards.back().upsert(key);
      if (t == nullptr) t = shards.back().upsert(key);
      ASSERT_NE(t, nullptr) << "shard " << s << " key " << k;
      t->n += static_cast<uint32_t>(s + 1);
    }
  }
  const auto merged = [&](const std::vector<uint32_t>& order) {
    CappedTable<uint64_t, Tally, IdentityHash> total(kPerShard * kShards);
    TableCounters shards_own;
    for (uint32_t s : order) {
      total.merge(shards[s]);
      shards_own.refused += shards[s].counters().refused;
      shards_own.evicted += shards[s].counters().evicted;
    }
    // The total carries the shards' counts, and the merge adds none of its own.
    EXPECT_EQ(total.counters().refused, shards_own.refused);
    EXPECT_EQ(total.counters().evicted, shards_own.evicted);
    total.sort_by_hash();
    std::vector<std::pair<uint64_t, uint32_t>> rows;
    total.for_each([&](uint64_t k, const Tally& t) { rows.emplace_back(k, t.n); });
    return rows;
  };
  // What the shards hold between them: more than three-quarters of the total's room.
  std::map<uint64_t, uint32_t> expected;
  for (const auto& shard : shards) shard.for_each([&](uint64_t k, const Tally& t) { expected[k] += t.n; });
  const auto forward = merged({0, 1, 2, 3});
  EXPECT_EQ(forward.size(), 64 + kShards * (kPerShard - 64));
  EXPECT_EQ(forward.size(), expected.size());
  for (const auto& [k, n] : forward) EXPECT_EQ(n, expected[k]) << k;
  EXPECT_EQ(forward, merged({3, 1, 0, 2}));
  EXPECT_EQ(forward, merged({2, 3, 1, 0}));
  EXPECT_EQ(expected[mix64(5)], 1u + 2u + 3u + 4u);  // a key every shard saw: summed
}

TEST(ContactMemory, RemembersWhatFitsAndForgetsTheLeastRecentlySeen) {
  ContactMemory memory(4096);
  ASSERT_EQ(memory.capacity(), 4096u);
  for (uint64_t c = 0; c < 512; ++c) EXPECT_EQ(memory.touch(mix64(c), 1000), ContactMemory::Seen::kFirst);
  for (uint64_t c = 0; c < 512; ++c) EXPECT_EQ(memory.touch(mix64(c), 2000), ContactMemory::Seen::kBefore);

  // A flood of new contacts, later in flow time, while the first 16 keep being seen:
  // those stay, the rest of the old ones go.
  uint32_t forgot = 0;
  for (uint64_t c = 1u << 20; c < (1u << 20) + 100'000; ++c) {
    const int64_t ms = 1'000'000 + int64_t(c) * 2048;  // a clock tick (1,024 ms) apart
    forgot += memory.touch(mix64(c), ms) == ContactMemory::Seen::kFirstForgotOne;
    if (c % 64 == 0)
      for (uint64_t keep = 0; keep < 16; ++keep) memory.touch(mix64(keep), ms);
  }
  EXPECT_GT(forgot, 90'000u);
  for (uint64_t keep = 0; keep < 16; ++keep)
    EXPECT_EQ(memory.touch(mix64(keep), 2'000'000), ContactMemory::Seen::kBefore) << keep;
  uint32_t old_remembered = 0;
  for (uint64_t c = 16; c < 512; ++c) old_remembered += memory.touch(mix64(c), 2'000'000) == ContactMemory::Seen::kBefore;
  EXPECT_EQ(old_remembered, 0u);
}

}  // namespace
}  // namespace synwatch::detect
