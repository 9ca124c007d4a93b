// SpscRing: order kept, never more than its capacity, a full ring refuses instead of
// blocking, and two threads pass ten million items without loss or reordering.
#include <gtest/gtest.h>

#include <thread>

#include "dataplane/pipeline/spsc_ring.h"

namespace synwatch::pipeline {
namespace {

TEST(SpscRing, KeepsOrderAndRefusesWhenFull) {
  SpscRing<int> ring(8);
  int in[10] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  EXPECT_EQ(ring.push_batch(in, 10), 8u) << "only the capacity fits";
  int out[10];
  EXPECT_EQ(ring.pop_batch(out, 3), 3u);
  EXPECT_EQ(out[2], 2);
  EXPECT_EQ(ring.push_batch(in + 8, 2), 2u);
  EXPECT_EQ(ring.pop_batch(out, 10), 7u);
  EXPECT_EQ(out[0], 3);
  EXPECT_EQ(out[6], 9);
  EXPECT_TRUE(ring.empty());
}

TEST(SpscRing, TwoThreadsTenMillionItems) {
  SpscRing<uint64_t> ring(1024);
  constexpr uint64_t kItems = 10'000'000;
  std::thread producer([&] {
    uint64_t next = 0, batch[32];
    while (next < kItems) {
      size_t n = 0;
      for (; n < 32 && next + n < kItems; ++n) batch[n] = next + n;
      size_t sent = 0;
      while (sent < n) sent += ring.push_batch(batch + sent, n - sent);
      next += n;
    }
  });
  uint64_t expected = 0, out[64];
  bool in_order = true;
  while (expected < kItems) {
    const size_t n = ring.pop_batch(out, 64);
    for (size_t i = 0; i < n; ++i) in_order &= out[i] == expected++;
  }
  producer.join();
  EXPECT_TRUE(in_order);
  EXPECT_TRUE(ring.empty());
}

}  // namespace
}  // namespace synwatch::pipeline
