// The worker pipeline on threads: one worker reads a capture (as a net_pcap queue would),
// records are handed to the worker owning their host pair, sessions are decided there
// and written by a writer thread. With 1, 2 and 3 workers the sessions are exactly those
// of the offline replay, and the orderly shutdown loses none.
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "dataplane/pipeline/worker_loop.h"
#include "dataplane/replay/replay.h"
#include "dataplane/session/session_key.h"
#include "tests/support/capture_datagrams.h"
#include "tests/support/session_lines.h"
#include "tests/support/test_data.h"

namespace synwatch::pipeline {
namespace {

std::vector<std::string> via_pipeline(const std::vector<testing::CapturedDatagram>& input, uint32_t workers,
                                      bool lossless = true, uint64_t* dropped_out = nullptr) {
  Pipeline pipeline(workers, decode::DecoderConfig{}, testing::test_session_config(), 64);  // small rings: they fill
  for (uint32_t i = 0; i < workers; ++i) pipeline.worker(i).set_lossless(lossless);
  testing::SessionLines out;
  std::thread writer([&] { drain_sessions(pipeline, out); });
  std::vector<std::thread> threads;
  for (uint32_t id = 0; id < workers; ++id) {
    threads.emplace_back([&, id] {
      size_t next = 0;
      const bool reads = id == 0;  // one reader, as with a single net_pcap queue
      run_worker(
          pipeline, id,
          [&](Worker& w) {
            size_t n = 0;
            for (; reads && n < 32 && next < input.size(); ++n, ++next)
              w.on_datagram(input[next].ctx, input[next].payload.data(), input[next].payload.size());
            return n;
          },
          [&] { return !reads || next == input.size(); });
    });
  }
  for (auto& t : threads) t.join();
  writer.join();
  uint64_t dropped = 0;
  for (uint32_t i = 0; i < workers; ++i)
    dropped += pipeline.worker(i).counters().get(PipelineCounter::handoff_ring_full);
  if (dropped_out != nullptr) *dropped_out = dropped;
  if (lossless) {
    EXPECT_EQ(dropped, 0u);
  }
  return out.sorted();
}

TEST(Pipeline, SameSessionsAsTheReplayWithOneToThreeWorkers) {
  auto captures = testing::export_captures_in(testing::bundled_captures_dir());
  for (const auto& c : testing::export_captures_in(testing::shared_flows_dir())) captures.push_back(c);
  ASSERT_FALSE(captures.empty());
  for (const auto& capture : captures) {
    const auto expected = testing::replay_session_lines(capture, 1);
    const auto input = testing::read_datagrams(capture);
    for (uint32_t workers : {1u, 2u, 3u}) {
      const auto got = via_pipeline(input, workers);
      ASSERT_EQ(got.size(), expected.size()) << capture << " with " << workers << " workers";
      EXPECT_TRUE(got == expected) << capture << " with " << workers << " workers";
    }
  }
}

TEST(Pipeline, LiveInputCountsWhatAFullRingDrops) {
  const auto capture = testing::bundled_captures_dir() / "mixed" / "exports-pmacct-sflow.pcap";
  const auto input = testing::read_datagrams(capture);
  ASSERT_FALSE(input.empty());
  constexpr uint32_t kWorkers = 3;
  // How many records the reader (worker 0) must route to the other workers.
  class Owners : public decode::RecordSink {
   public:
    void on_record(const decode::FlowRecord& r) override {
      if (session::host_pair_hash(r.src, r.dst) % kWorkers != 0) ++elsewhere;
    }
    uint64_t elsewhere = 0;
  } owners;
  replay::Replay replay{decode::DecoderConfig{}};
  std::string error;
  ASSERT_TRUE(replay.run_file(capture.string(), owners, error));

  Pipeline pipeline(kWorkers, decode::DecoderConfig{}, testing::test_session_config(), 64);
  testing::SessionLines out;
  std::thread writer([&] { drain_sessions(pipeline, out); });
  std::vector<std::thread> threads;
  for (uint32_t id = 0; id < kWorkers; ++id) {
    threads.emplace_back([&, id] {
      size_t next = 0;
      run_worker(
          pipeline, id,
          [&](Worker& w) {
            size_t n = 0;
            for (; id == 0 && n < 32 && next < input.size(); ++n, ++next)
              w.on_datagram(input[next].ctx, input[next].payload.data(), input[next].payload.size());
            return n;
          },
          [&] { return id != 0 || next == input.size(); });
    });
  }
  for (auto& t : threads) t.join();
  writer.join();
  const auto& c = pipeline.worker(0).counters();
  // Live (lossy) hand-off: every record routed elsewhere was handed off or counted.
  EXPECT_EQ(c.get(PipelineCounter::records_handed_off) + c.get(PipelineCounter::handoff_ring_full),
            owners.elsewhere);
}

}  // namespace
}  // namespace synwatch::pipeline

namespace synwatch::pipeline {
namespace {

std::unique_ptr<LiveSettings> settings_with_internal(const char* prefixes) {
  session::SessionConfig sessions = testing::test_session_config();
  std::string error;
  sessions.internal.clear();
  EXPECT_TRUE(session::Prefix::parse_list(prefixes, sessions.internal, error)) << error;
  return std::make_unique<LiveSettings>(sessions, decode::DecoderConfig{});
}

// A configuration applied at runtime: posted to workers not yet running it waits (four
// changes, then every worker refuses the fifth); running workers take the newest between
// two bursts, and the sessions they decide after it follow the new address plan.
TEST(Pipeline, WorkersSwitchToNewSettingsBetweenBursts) {
  using namespace std::chrono_literals;
  Pipeline pipeline(2, decode::DecoderConfig{}, testing::test_session_config(), 64);
  for (int i = 1; i <= 4; ++i) EXPECT_EQ(pipeline.switch_live_settings(settings_with_internal("10.0.0.0/8"), 0ms), "");
  EXPECT_EQ(pipeline.switch_live_settings(settings_with_internal("10.0.0.0/8"), 0ms),
            "worker 0 has not taken the last changes yet; nothing was applied");
  EXPECT_EQ(pipeline.live_settings().generation, 4u);
  EXPECT_EQ(pipeline.worker(1).settings_generation(), 0u);

  const auto capture = testing::bundled_captures_dir() / "mixed" / "exports-softflowd-v9.pcap";
  const auto input = testing::read_datagrams(capture);
  std::atomic<bool> go{false};
  testing::SessionLines out;
  std::thread writer([&] { drain_sessions(pipeline, out); });
  std::vector<std::thread> threads;
  for (uint32_t id = 0; id < 2; ++id) {
    threads.emplace_back([&, id] {
      size_t next = 0;
      const bool reads = id == 0;
      run_worker(
          pipeline, id,
          [&](Worker& w) {
            size_t n = 0;
            for (; reads && go.load() && n < 32 && next < input.size(); ++n, ++next)
              w.on_datagram(input[next].ctx, input[next].payload.data(), input[next].payload.size());
            return n;
          },
          [&] { return go.load() && (!reads || next == input.size()); });
    });
  }
  // Running, idle: both take generation 4 at once; a fifth change reaches both, and the
  // switch returns once every worker has moved past what it replaced.
  for (int i = 0; i < 5000 && (pipeline.worker(0).settings_generation() < 4 || pipeline.worker(1).settings_generation() < 4); ++i)
    std::this_thread::sleep_for(1ms);
  EXPECT_EQ(pipeline.switch_live_settings(settings_with_internal("0.0.0.0/0,::/0"), 5000ms), "");
  EXPECT_EQ(pipeline.worker(0).settings_generation(), 5u);
  EXPECT_EQ(pipeline.worker(1).settings_generation(), 5u);
  go = true;
  for (auto& t : threads) t.join();
  writer.join();
  const auto sessions = out.sorted();
  ASSERT_FALSE(sessions.empty());
  for (const auto& line : sessions) EXPECT_NE(line.find("\"perspective\":\"private\""), std::string::npos) << line;
}

}  // namespace
}  // namespace synwatch::pipeline
