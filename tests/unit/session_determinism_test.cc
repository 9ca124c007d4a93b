// The same capture gives the same sessions with any number of shards (the daemon's
// workers), on every capture at hand: the export watermark, not the shard's own
// traffic, decides when a session ends.
#include <gtest/gtest.h>

#include "tests/support/session_lines.h"
#include "tests/support/test_data.h"

namespace synwatch {
namespace {

TEST(SessionDeterminism, OneToEightShardsGiveIdenticalSessions) {
  auto captures = testing::export_captures_in(testing::bundled_captures_dir());
  for (const auto& c : testing::export_captures_in(testing::shared_flows_dir())) captures.push_back(c);
  ASSERT_FALSE(captures.empty());
  for (const auto& capture : captures) {
    const auto one = testing::replay_session_lines(capture, 1);
    ASSERT_FALSE(one.empty()) << capture;
    for (uint32_t n : {2u, 3u, 8u}) {
      const auto many = testing::replay_session_lines(capture, n);
      ASSERT_EQ(one.size(), many.size()) << capture << " with " << n << " shards";
      for (size_t i = 0; i < one.size(); ++i)
        ASSERT_EQ(one[i], many[i]) << capture << " with " << n << " shards";
    }
  }
}

}  // namespace
}  // namespace synwatch
