// Detection on the shared captures of real exporters (../shared/testdata/flows): the
// nmap SYN scan raises port_scan and scanner, the rejected connections raise
// service_unavailable for exactly the closed services, normal traffic raises nothing,
// and 1 and 8 shards give the same alerts. Skips, saying so, where the captures are absent.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "dataplane/replay/replay.h"
#include "dataplane/session/session_shards.h"
#include "tests/support/detect_harness.h"
#include "tests/support/test_data.h"

namespace synwatch::testing {
namespace {

namespace fs = std::filesystem;

// Alerts of one capture, replayed as synwatch-replay --emit alerts does.
AlertCollector alerts_of(const fs::path& capture, uint32_t shards) {
  session::SessionConfig sessions;
  std::string error;
  EXPECT_TRUE(session::Prefix::parse_list("198.51.100.0/24,2001:db8:100::/64", sessions.internal, error));
  AlertCollector collector;
  detect::ShardedDetection detection(detect::DetectConfig{}, shards, collector);
  session::SessionShards tables(detection.sinks(), sessions);
  replay::Replay replay{decode::DecoderConfig{}};
  EXPECT_TRUE(replay.run_file(capture.string(), tables, error)) << error;
  tables.finish();
  detection.finish();
  return collector;
}

// The scenario's captures of unsampled exporters: sampled ones (sFlow 1-in-10) cannot
// show that a SYN went unanswered, so they never count failures.
std::vector<fs::path> unsampled_captures(const char* scenario) {
  std::vector<fs::path> out;
  const fs::path dir = shared_flows_dir();
  if (dir.empty()) return out;
  for (const auto& c : export_captures_in(dir / scenario))
    if (c.filename().string().find("-s10") == std::string::npos) out.push_back(c);
  return out;
}

#define SKIP_WITHOUT_SHARED()                                                           \
  if (shared_flows_dir().empty()) GTEST_SKIP() << "../shared/testdata/flows is absent: " \
                                                  "the shared real-exporter captures are not in this checkout"

TEST(DetectCapture, SynScanRaisesPortScanAndScannerWithinEightRecords) {
  SKIP_WITHOUT_SHARED();
  for (const auto& capture : unsampled_captures("d1_scan_syn")) {
    SCOPED_TRACE(capture.filename().string());
    const AlertCollector got = alerts_of(capture, 1);
    std::set<std::string> targets;
    for (const auto& a : got.opened("port_scan")) {
      EXPECT_EQ(a.source.to_string(), "203.0.113.50");
      EXPECT_EQ(session::perspective_name(a.perspective), "inbound");
      targets.insert(a.target.to_string());
    }
    EXPECT_EQ(targets, (std::set<std::string>{"198.51.100.10", "198.51.100.20"}));
    const auto scanner = got.opened("scanner");
    ASSERT_EQ(scanner.size(), 1u) << got.lines;
    EXPECT_EQ(scanner[0].source.to_string(), "203.0.113.50");
    EXPECT_EQ(session::perspective_name(scanner[0].perspective), "inbound");
    const size_t at = scanner[0].evidence.find("\"contacts_to_alarm\":");
    ASSERT_NE(at, std::string::npos);
    EXPECT_LE(std::stoi(scanner[0].evidence.substr(at + 20)), 8) << scanner[0].evidence;
    for (const auto& a : got.alerts)
      EXPECT_TRUE(a.detector == "port_scan" || a.detector == "scanner") << "unexpected: " << a.summary;
  }
}

TEST(DetectCapture, BaselineRaisesNothing) {
  SKIP_WITHOUT_SHARED();
  for (const auto& capture : export_captures_in(shared_flows_dir() / "a_baseline")) {
    SCOPED_TRACE(capture.filename().string());
    EXPECT_EQ(alerts_of(capture, 1).lines, "");
  }
}

TEST(DetectCapture, RejectedRaisesServiceUnavailableForTheClosedServices) {
  SKIP_WITHOUT_SHARED();
  // The scenario's closed ports (phases.jsonl) and who connected to them (truth.json).
  const std::map<std::string, std::set<int>> closed = {{"198.51.100.10", {81, 8081, 3306, 5432, 8443}},
                                                       {"198.51.100.20", {25}},
                                                       {"203.0.113.60", {9999}},
                                                       {"2001:db8:100::10", {8443}}};
  for (const auto& capture : unsampled_captures("b_rejected")) {
    SCOPED_TRACE(capture.filename().string());
    const bool has_v6 = capture.filename().string().find("-v5") == std::string::npos;
    const AlertCollector got = alerts_of(capture, 1);
    std::map<std::string, std::set<int>> raised;
    for (const auto& a : got.alerts) {
      ASSERT_EQ(a.detector, "service_unavailable") << a.summary;
      raised[a.target.to_string()].insert(a.port);
      EXPECT_NE(a.evidence.find("\"outcome\":\"refused\""), std::string::npos) << a.evidence;
      EXPECT_NE(a.evidence.find("\"clients\":[\""), std::string::npos) << a.evidence;
      const bool target_internal = a.target.to_string().rfind("198.51.100.", 0) == 0 ||
                                   a.target.to_string().rfind("2001:db8:100:", 0) == 0;
      EXPECT_EQ(session::perspective_name(a.perspective) == "outbound", !target_internal) << a.summary;
    }
    auto expected = closed;
    if (!has_v6) expected.erase("2001:db8:100::10");
    EXPECT_EQ(raised, expected) << got.lines;
  }
}

TEST(DetectCapture, OneAndEightShardsGiveTheSameAlerts) {
  SKIP_WITHOUT_SHARED();
  for (const char* scenario : {"a_baseline", "b_rejected", "d1_scan_syn"}) {
    for (const auto& capture : export_captures_in(shared_flows_dir() / scenario)) {
      SCOPED_TRACE(capture.string());
      EXPECT_EQ(alerts_of(capture, 1).lines, alerts_of(capture, 8).lines);
    }
  }
}

}  // namespace
}  // namespace synwatch::testing
