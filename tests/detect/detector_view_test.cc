// The control plane's view of the detectors (detector_view.h) and its way to them
// (EngineRequests): summaries in the design's order, baselines per partition from learnt
// traffic, resets whole or by partition, and requests that time out or find the
// detection thread gone.
#include <gtest/gtest.h>

#include <thread>

#include "dataplane/detect/engine_requests.h"
#include "tests/support/seasonal_traffic.h"

namespace synwatch::testing {
namespace {

using namespace std::chrono_literals;

const wire::IpAddress kServer = wire::IpAddress::v4(0xc633640au);  // seasonal traffic's server

// Two days of a seasonal service: failed_sessions and syn_flood have learnt it.
class DetectorView : public ::testing::Test {
 protected:
  void SetUp() override { feed_seasonal_minutes(h_, 0, 2 * kMinutesPerDay, 7); }
  DetectHarness h_;
};

TEST_F(DetectorView, SummarisesEveryDetectorInTheDesignsOrder) {
  const auto s = h_.engine().summaries();
  ASSERT_EQ(s.size(), 11u);
  EXPECT_EQ(s[0].name, "failed_sessions");
  EXPECT_EQ(s[10].name, "brute_force");
  for (const auto& d : s) {
    SCOPED_TRACE(d.name);
    EXPECT_TRUE(d.enabled);
    const bool learns = d.name == "failed_sessions" || d.name == "syn_flood";
    EXPECT_EQ(!d.baseline_unit.empty(), learns);
    EXPECT_EQ(d.baselines, learns ? 1u : 0u);
  }
  EXPECT_EQ(s[0].warm, 1u);
  EXPECT_GT(s[0].tracked_keys, 1u);  // the partition and its clients
  EXPECT_GT(h_.engine().evaluated_through_ms(), kSeasonT0);
}

TEST_F(DetectorView, ListsTheLearntBaselineOfEachPartition) {
  detect::BaselineList list;
  ASSERT_EQ(h_.engine().baselines("failed_sessions", {}, 100, list), "");
  ASSERT_EQ(list.rows.size(), 1u);
  EXPECT_EQ(list.matched, 1u);
  const auto& b = list.rows[0];
  EXPECT_EQ(b.key.host, kServer);
  EXPECT_EQ(b.key.port, 443);
  EXPECT_TRUE(b.warm);
  EXPECT_GT(b.learnt, 1000u);  // two days of minutes, nearly all with failures
  EXPECT_GT(b.expected, 1.0);  // failures of a failing client: at least one
  EXPECT_LT(b.expected, 10.0);
  EXPECT_GT(b.dispersion, 0.0);
  EXPECT_LE(b.last_ms, h_.engine().evaluated_through_ms());

  ASSERT_EQ(h_.engine().baselines("syn_flood", {}, 100, list), "");
  ASSERT_EQ(list.rows.size(), 1u);
  EXPECT_GT(list.rows[0].expected, 0.0);

  detect::PartitionFilter other;
  other.port = 22;
  ASSERT_EQ(h_.engine().baselines("failed_sessions", other, 100, list), "");
  EXPECT_EQ(list.matched, 0u);
  EXPECT_NE(h_.engine().baselines("no_such_detector", {}, 100, list), "");
}

TEST_F(DetectorView, ForgetsAPartitionAndNothingElse) {
  const std::string before = h_.engine().snapshot();
  detect::PartitionFilter filter;
  filter.host = kServer;
  filter.port = 22;  // not this partition
  uint32_t forgotten = 99;
  ASSERT_EQ(h_.engine().reset("failed_sessions", filter, forgotten), "");
  EXPECT_EQ(forgotten, 0u);
  EXPECT_EQ(h_.engine().snapshot(), before);

  filter.port = 443;
  ASSERT_EQ(h_.engine().reset("failed_sessions", filter, forgotten), "");
  EXPECT_EQ(forgotten, 1u);
  detect::BaselineList list;
  ASSERT_EQ(h_.engine().baselines("failed_sessions", {}, 100, list), "");
  EXPECT_EQ(list.matched, 0u);
  ASSERT_EQ(h_.engine().baselines("syn_flood", {}, 100, list), "");
  EXPECT_EQ(list.matched, 1u);  // another detector's baseline stays
}

TEST_F(DetectorView, ResetsADetectorWholeAndRefusesWhatItCannotDo) {
  uint32_t forgotten = 0;
  ASSERT_EQ(h_.engine().reset("syn_flood", {}, forgotten), "");
  EXPECT_EQ(forgotten, 1u);
  detect::BaselineList list;
  ASSERT_EQ(h_.engine().baselines("syn_flood", {}, 100, list), "");
  EXPECT_EQ(list.matched, 0u);

  detect::PartitionFilter filter;
  filter.port = 22;
  EXPECT_EQ(h_.engine().reset("port_scan", filter, forgotten).rfind("filter: ", 0), 0u);
  EXPECT_EQ(h_.engine().reset("nope", {}, forgotten).rfind("detector: ", 0), 0u);
  // A reset detector goes on detecting: the next day is evaluated without trouble.
  feed_seasonal_minutes(h_, 2 * kMinutesPerDay, 2 * kMinutesPerDay + 60, 7);
  ASSERT_EQ(h_.engine().baselines("syn_flood", {}, 100, list), "");
  EXPECT_EQ(list.matched, 1u);
}

TEST(EngineRequests, RunsWorkOnTheServingThreadAndTimesOutWithoutOne) {
  DetectHarness h;
  detect::EngineRequests requests;
  size_t detectors = 0;
  // Nobody serves: the caller gives up after its timeout.
  EXPECT_EQ(requests.ask<size_t>([](detect::DetectEngine& e) { return e.summaries().size(); }, 50ms, detectors),
            detect::EngineRequests::Outcome::kTimedOut);
  std::atomic<bool> stop{false};
  std::thread detection([&] {
    while (!stop.load()) {
      requests.serve(h.engine());
      std::this_thread::sleep_for(1ms);
    }
    requests.close();
  });
  EXPECT_EQ(requests.ask<size_t>([](detect::DetectEngine& e) { return e.summaries().size(); }, 5s, detectors),
            detect::EngineRequests::Outcome::kDone);
  EXPECT_EQ(detectors, 11u);
  stop = true;
  detection.join();
  EXPECT_EQ(requests.ask<size_t>([](detect::DetectEngine& e) { return e.summaries().size(); }, 5s, detectors),
            detect::EngineRequests::Outcome::kStopped);
}

}  // namespace
}  // namespace synwatch::testing
