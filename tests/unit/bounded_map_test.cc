// BoundedMap against std::map under random operations: same contents, never more than
// its capacity, and backward-shift deletion keeps every key findable.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <utility>
#include <vector>

#include "dataplane/table/bounded_map.h"

namespace synwatch::table {
namespace {

struct WeakHash {  // few distinct hashes: long probe chains and wrap-around
  uint64_t operator()(uint32_t k) const { return k % 7; }
};
struct GoodHash {
  uint64_t operator()(uint32_t k) const { return k * 0x9e3779b97f4a7c15ULL; }
};

template <typename Hash>
void random_operations(uint32_t capacity, uint32_t key_space, int steps) {
  BoundedMap<uint32_t, uint64_t, Hash> map(capacity);
  std::map<uint32_t, uint64_t> model;
  std::mt19937 rng(12345);
  for (int i = 0; i < steps; ++i) {
    const auto key = static_cast<uint32_t>(rng() % key_space);
    if (rng() % 3 == 0) {
      EXPECT_EQ(map.erase(key), model.erase(key) == 1);
    } else if (uint64_t* v = map.find(key)) {
      ASSERT_TRUE(model.count(key));
      EXPECT_EQ(*v, model[key]);
      *v += 1;
      model[key] += 1;
    } else {
      ASSERT_FALSE(model.count(key));
      uint64_t* fresh = map.insert(key);
      if (model.size() == capacity) {
        EXPECT_EQ(fresh, nullptr);
      } else {
        ASSERT_NE(fresh, nullptr);
        *fresh = key;
        model[key] = key;
      }
    }
    ASSERT_LE(map.size(), capacity);
    ASSERT_EQ(map.size(), model.size());
    if (i % 997 == 0) {  // scans stop at the extent: they must still see every entry
      std::map<uint32_t, uint64_t> seen;
      map.for_each([&](uint32_t k, uint64_t v) { seen[k] = v; });
      ASSERT_EQ(seen, model);
      map.for_each_slot([&](uint32_t slot) {  // and one that erases on the way
        if (map.key_at(slot) % 5 == 0) {
          model.erase(map.key_at(slot));
          map.erase_at(slot);
        }
      });
      ASSERT_EQ(map.size(), model.size());
    }
  }
  for (const auto& [k, v] : model) {
    ASSERT_NE(map.find(k), nullptr) << k;
    EXPECT_EQ(*map.find(k), v);
  }
}

TEST(BoundedMap, MatchesStdMapWithWeakHash) { random_operations<WeakHash>(50, 120, 20000); }
TEST(BoundedMap, MatchesStdMapWithGoodHash) { random_operations<GoodHash>(1000, 3000, 50000); }

TEST(BoundedMap, ScansCostWhatIsUsedNotTheCapacity) {
  BoundedMap<uint32_t, uint64_t, GoodHash> map(1u << 16);
  for (uint32_t k = 0; k < 5000; ++k) map.insert(k);
  map.clear();
  EXPECT_EQ(map.size(), 0u);
  map.insert(42);
  map.insert(43);
  std::vector<uint32_t> slots;
  map.for_each_slot([&](uint32_t slot) { slots.push_back(slot); });
  EXPECT_EQ(slots, (std::vector<uint32_t>{1, 0}));  // the lowest slots, reused first
  EXPECT_NE(map.find(42), nullptr);
  EXPECT_EQ(map.find(7), nullptr);
}

// Two maps filled with the same keys in different orders, with holes from erasures,
// scan alike once sorted (in hash order: keys whose hashes tie would keep their slot
// order), and stay whole: every key findable, every free slot usable.
TEST(BoundedMap, SortedByHashScansAlikeWhateverTheFillOrder) {
  constexpr uint32_t kCapacity = 300;
  BoundedMap<uint32_t, uint64_t, GoodHash> forward(kCapacity), backward(kCapacity);
  const auto put = [](auto& map, uint32_t k) {
    uint64_t* v = map.insert(k);
    ASSERT_NE(v, nullptr);
    *v = k * 10;
  };
  for (uint32_t k = 0; k < 250; ++k) put(forward, k);
  for (uint32_t k = 250; k-- > 0;) put(backward, k);
  for (uint32_t k = 0; k < 250; k += 3) {
    forward.erase(k);
    backward.erase(k);
  }
  forward.sort_by_hash();
  backward.sort_by_hash();
  std::vector<std::pair<uint32_t, uint64_t>> a, b;
  forward.for_each([&](uint32_t k, uint64_t v) { a.emplace_back(k, v); });
  backward.for_each([&](uint32_t k, uint64_t v) { b.emplace_back(k, v); });
  ASSERT_EQ(a.size(), 166u);
  EXPECT_EQ(a, b);
  for (size_t i = 1; i < a.size(); ++i) EXPECT_LT(GoodHash{}(a[i - 1].first), GoodHash{}(a[i].first));
  for (uint32_t k = 0; k < 250; ++k) {
    const uint64_t* v = forward.find(k);
    if (k % 3 == 0) {
      EXPECT_EQ(v, nullptr) << k;
    } else {
      ASSERT_NE(v, nullptr) << k;
      EXPECT_EQ(*v, k * 10);
    }
  }
  // The free slots are all there again: the map fills to its capacity, and no further.
  for (uint32_t k = 1000; forward.size() < kCapacity; ++k) ASSERT_NE(forward.insert(k), nullptr);
  EXPECT_EQ(forward.insert(5000), nullptr);
  for (uint32_t k = 1; k < 250; k += 3) EXPECT_NE(forward.find(k), nullptr) << k;
}

TEST(BoundedMap, VictimIsTheOldestInTheWindow) {
  BoundedMap<uint32_t, uint64_t, GoodHash> map(4);
  for (uint32_t k = 0; k < 4; ++k) {
    uint64_t* v = map.insert(k);
    ASSERT_NE(v, nullptr);
    *v = 100 - k;  // key 3 is the oldest (97)
  }
  const int64_t victim = map.pick_victim(8, [](uint64_t a, uint64_t b) { return a < b; });
  ASSERT_GE(victim, 0);
  EXPECT_EQ(map.key_at(static_cast<uint32_t>(victim)), 3u);
}

}  // namespace
}  // namespace synwatch::table
