// The same capture gives the same sessions with any number of shards (the daemon's
// workers), on every capture at hand: the export watermark, not the shard's own
// traffic, decides when a session ends. And the session log is the same whether the
// writer takes the sessions one at a time or a batch at a time.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <span>

#include "dataplane/replay/replay.h"
#include "dataplane/replay/session_writer.h"
#include "dataplane/session/session_shards.h"

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

// Every decided session of `capture`, in the order the table decides them.
class Collect : public session::SessionSink {
 public:
  void on_session(const session::SessionEvent& e) override { sessions.push_back(e); }
  std::vector<session::SessionEvent> sessions;
};

// What `write` puts in a memory stream through a SessionWriter.
template <typename Write>
std::string written(Write&& write) {
  char* text = nullptr;
  size_t size = 0;
  std::FILE* out = open_memstream(&text, &size);
  EXPECT_NE(out, nullptr);
  replay::SessionWriter writer(out);
  write(writer);
  std::fclose(out);
  std::string result(text, size);
  std::free(text);
  return result;
}

TEST(SessionDeterminism, BatchedSessionLogMatchesOneSessionAtATime) {
  const auto captures = testing::export_captures_in(testing::bundled_captures_dir());
  ASSERT_FALSE(captures.empty());
  for (const auto& capture : captures) {
    Collect decided;
    session::SessionShards table(1, testing::test_session_config(), decided);
    replay::Replay replay{decode::DecoderConfig{}};
    std::string error;
    ASSERT_TRUE(replay.run_file(capture.string(), table, error)) << error;
    table.finish();
    const std::span<const session::SessionEvent> all(decided.sessions);
    if (all.empty()) continue;

    const std::string one_by_one = written([&](replay::SessionWriter& w) {
      for (const auto& s : all) w.on_session(s);
    });
    // Batches of the writer thread's size, and an odd size that leaves a short last one.
    for (size_t batch : {size_t{256}, size_t{7}}) {
      const std::string batched = written([&](replay::SessionWriter& w) {
        for (size_t i = 0; i < all.size(); i += batch) w.on_sessions(all.subspan(i, std::min(batch, all.size() - i)));
      });
      ASSERT_EQ(batched, one_by_one) << capture << " in batches of " << batch;
    }
    EXPECT_EQ(static_cast<size_t>(std::count(one_by_one.begin(), one_by_one.end(), '\n')), all.size()) << capture;
  }
}

}  // namespace
}  // namespace synwatch
