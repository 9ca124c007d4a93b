// synwatchd replaying captures through DPDK's net_pcap port (no hugepages, no PCI)
// gives exactly the sessions synwatch-replay gives, with one worker and with two: the
// capture is read in flow time, records cross between workers by host pair, and every
// session is decided at the end of the capture.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "tests/support/subprocess.h"
#include "tests/support/test_data.h"

namespace synwatch {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::vector<std::string> replay_sessions(const fs::path& capture) {
  return testing::replay_cli_sessions(SYNWATCH_REPLAY_BINARY, capture);
}

std::vector<std::string> daemon_sessions(const fs::path& capture, uint32_t workers,
                                         std::string& summary) {
  const auto dir = testing::scratch_dir("daemon-capture");
  const auto r = testing::run_program({SYNWATCHD_BINARY, "--pcap", capture, "--workers",
                                       std::to_string(workers), "--sessions-out", dir / "s.jsonl"},
                                      120s);
  EXPECT_EQ(r.status, 0) << r.err;
  summary = r.err;
  return testing::sorted_lines(testing::read_text(dir / "s.jsonl"));
}

void expect_same_sessions(const std::vector<fs::path>& captures, uint32_t workers) {
  ASSERT_FALSE(captures.empty());
  for (const auto& capture : captures) {
    SCOPED_TRACE(capture.string() + " with " + std::to_string(workers) + " worker(s)");
    const auto expected = replay_sessions(capture);
    std::string summary;
    const auto got = daemon_sessions(capture, workers, summary);
    EXPECT_FALSE(expected.empty());
    EXPECT_EQ(got.size(), expected.size());
    EXPECT_TRUE(got == expected) << "first difference in the sorted session lines:\n"
                                 << [&] {
                                      for (size_t i = 0; i < std::min(got.size(), expected.size()); ++i)
                                        if (got[i] != expected[i])
                                          return "daemon: " + got[i] + "\nreplay: " + expected[i];
                                      return std::string("(one is a prefix of the other)");
                                    }();
    // Nothing may be dropped on the way from the capture to the sessions.
    EXPECT_NE(summary.find("dropped or lost: none"), std::string::npos) << summary;
  }
}

std::vector<fs::path> shared_captures() {
  const auto dir = testing::shared_flows_dir();
  if (dir.empty()) return {};
  return testing::export_captures_in(dir);
}

TEST(DaemonCapture, BundledCapturesOneWorker) {
  expect_same_sessions(testing::export_captures_in(testing::bundled_captures_dir()), 1);
}

TEST(DaemonCapture, BundledCapturesTwoWorkers) {
  expect_same_sessions(testing::export_captures_in(testing::bundled_captures_dir()), 2);
}

TEST(DaemonCapture, SharedCapturesOneWorker) {
  const auto captures = shared_captures();
  if (captures.empty()) GTEST_SKIP() << "../shared/testdata/flows is absent: shared captures not replayed";
  expect_same_sessions(captures, 1);
}

TEST(DaemonCapture, SharedCapturesTwoWorkers) {
  const auto captures = shared_captures();
  if (captures.empty()) GTEST_SKIP() << "../shared/testdata/flows is absent: shared captures not replayed";
  expect_same_sessions(captures, 2);
}

// More workers than CPUs still gives the same sessions (workers share CPUs).
TEST(DaemonCapture, MoreWorkersThanCpus) {
  const auto capture = testing::bundled_captures_dir() / "mixed" / "exports-softflowd-ipfix.pcap";
  std::string summary;
  EXPECT_EQ(daemon_sessions(capture, 4, summary), replay_sessions(capture));
  EXPECT_NE(summary.find("synwatchd: 4 workers"), std::string::npos) << summary;
}

}  // namespace
}  // namespace synwatch
