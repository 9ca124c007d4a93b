// The same capture gives the same sessions with any number of shards (the daemon's
// workers), on every capture at hand: the export watermark, not the shard's own
// traffic, decides when a session ends.
#include <gtest/gtest.h>

#include <algorithm>

#include "dataplane/json/session_json.h"
#include "dataplane/replay/replay.h"
#include "dataplane/session/session_shards.h"
#include "tests/support/test_data.h"

namespace synwatch {
namespace {

class Lines : public session::SessionSink {
 public:
  void on_session(const session::SessionEvent& e) override {
    json::JsonLine line;
    lines.emplace_back(json::session_to_json(e, line));
  }
  std::vector<std::string> lines;
};

std::vector<std::string> sorted_sessions(const std::filesystem::path& capture, uint32_t shards) {
  session::SessionConfig config;
  config.capacity = 1u << 16;
  Lines out;
  session::SessionShards table(shards, config, out);
  replay::Replay replay{decode::DecoderConfig{}};
  std::string error;
  EXPECT_TRUE(replay.run_file(capture.string(), table, error)) << error;
  table.finish();
  std::sort(out.lines.begin(), out.lines.end());
  return out.lines;
}

TEST(SessionDeterminism, OneToEightShardsGiveIdenticalSessions) {
  auto captures = testing::export_captures_in(testing::bundled_captures_dir());
  for (const auto& c : testing::export_captures_in(testing::shared_flows_dir())) captures.push_back(c);
  ASSERT_FALSE(captures.empty());
  for (const auto& capture : captures) {
    const auto one = sorted_sessions(capture, 1);
    ASSERT_FALSE(one.empty()) << capture;
    for (uint32_t n : {2u, 3u, 8u}) {
      const auto many = sorted_sessions(capture, n);
      ASSERT_EQ(one.size(), many.size()) << capture << " with " << n << " shards";
      for (size_t i = 0; i < one.size(); ++i)
        ASSERT_EQ(one[i], many[i]) << capture << " with " << n << " shards";
    }
  }
}

}  // namespace
}  // namespace synwatch
