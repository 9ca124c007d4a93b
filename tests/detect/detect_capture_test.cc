// Detection on captures of real exporters. The shared ones (../shared/testdata/flows;
// skipped, saying so, where absent): the nmap SYN scan raises port_scan and scanner,
// the rejected connections raise service_unavailable for exactly the closed services,
// normal traffic raises nothing. The bundled ones (tests/captures, every clone): each
// attack of the 'attacks' scenario raises exactly its alerts and normal traffic none;
// the 'mixed' scenario's refused ports raise port_scan and scanner only; their sFlow
// 1-in-10 exports raise port_scan by its sampled estimate for the scans and nothing
// else. 1 and 8 shards give the same alerts.
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

// "detector source>target:port perspective" of each alert opened: who, whom, where.
std::set<std::string> opened_alerts(const AlertCollector& got) {
  std::set<std::string> out;
  auto address = [](const wire::IpAddress& a) { return a.is_set() ? a.to_string() : std::string("-"); };
  for (const auto& a : got.alerts)
    if (a.status == detect::AlertStatus::kOpen)
      out.insert(std::string(a.detector) + " " + address(a.source) + ">" + address(a.target) + ":" +
                 std::to_string(a.port) + " " + std::string(session::perspective_name(a.perspective)));
  return out;
}

std::vector<fs::path> bundled_unsampled(const char* scenario) {
  std::vector<fs::path> out;
  for (const auto& c : export_captures_in(bundled_captures_dir() / scenario))
    if (c.filename().string().find("-s10") == std::string::npos) out.push_back(c);
  return out;
}

// tests/captures/generate.sh attacks: each actor and what it must raise, nothing else
// (the normal HTTP traffic around the attacks raises nothing).
TEST(DetectCapture, BundledAttacksRaiseExactlyTheirAlerts) {
  const std::set<std::string> expected = {
      "port_scan 203.0.113.50>198.51.100.10:0 inbound",  // nmap -sS
      "scanner 203.0.113.50>-:0 inbound",
      "null_scan 203.0.113.51>198.51.100.20:0 inbound",  // nmap -sN
      "port_scan 203.0.113.51>198.51.100.20:0 inbound",
      "scanner 203.0.113.51>-:0 inbound",
      "xmas_scan 203.0.113.52>198.51.100.20:0 inbound",  // nmap -sX
      "port_scan 203.0.113.52>198.51.100.20:0 inbound",
      "scanner 203.0.113.52>-:0 inbound",
      "fin_scan 203.0.113.53>198.51.100.20:0 inbound",  // nmap -sF
      "port_scan 203.0.113.53>198.51.100.20:0 inbound",
      "scanner 203.0.113.53>-:0 inbound",
      "port_scan 203.0.113.54>198.51.100.20:0 inbound",  // nmap -sA
      "scanner 203.0.113.54>-:0 inbound",
      "host_sweep 203.0.113.56>-:445 inbound",  // nmap -sS -p 445 over 40 hosts
      "scanner 203.0.113.56>-:0 inbound",
      "brute_force 203.0.113.61>198.51.100.10:22 inbound",  // 40 ssh logins
      "syn_flood ->198.51.100.10:80 inbound",               // hping3 -S from one source
      "syn_flood ->198.51.100.20:8080 inbound",             // hping3 -S --rand-source
      "backscatter 198.51.100.20>-:0 inbound",              // its SYN-ACKs to the forged sources
      "backscatter 203.0.113.57>-:0 outbound",              // SYN-ACK and RST to our addresses
      "port_scan 203.0.113.62>198.51.100.20:0 inbound",     // slow scan inside normal traffic
      "scanner 203.0.113.62>-:0 inbound",
  };
  const auto captures = bundled_unsampled("attacks");
  ASSERT_EQ(captures.size(), 6u);
  for (const auto& capture : captures) {
    SCOPED_TRACE(capture.filename().string());
    const AlertCollector got = alerts_of(capture, 1);
    EXPECT_EQ(opened_alerts(got), expected) << got.lines;
    EXPECT_EQ(alerts_of(capture, 8).lines, got.lines) << "8 shards";
  }
}

TEST(DetectCapture, BundledMixedRaisesOnlyTheRefusedPortScan) {
  const std::set<std::string> expected = {"port_scan 203.0.113.50>198.51.100.10:0 inbound",
                                          "scanner 203.0.113.50>-:0 inbound"};
  const auto captures = bundled_unsampled("mixed");
  ASSERT_EQ(captures.size(), 6u);
  for (const auto& capture : captures) {
    SCOPED_TRACE(capture.filename().string());
    EXPECT_EQ(opened_alerts(alerts_of(capture, 1)), expected);
  }
}

// The sFlow 1-in-10 exports of the same traffic show no failed session, but they show
// probes: port_scan's sampled estimate finds each scan of which 5 ports were seen
// (-sN/-sX/-sF/-sA by the targets' RSTs), and nothing else raises an alert.
TEST(DetectCapture, BundledSampledAttacksRaiseTheScansTheSampleShows) {
  const std::set<std::string> expected = {
      "port_scan 203.0.113.50>198.51.100.10:0 inbound", "port_scan 203.0.113.52>198.51.100.20:0 inbound",
      "port_scan 203.0.113.53>198.51.100.20:0 inbound", "port_scan 203.0.113.54>198.51.100.20:0 inbound",
      "port_scan 203.0.113.62>198.51.100.20:0 inbound"};
  const AlertCollector got = alerts_of(bundled_captures_dir() / "attacks" / "exports-pmacct-sflow-s10.pcap", 1);
  EXPECT_EQ(opened_alerts(got), expected) << got.lines;
  for (const auto& a : got.opened("port_scan"))
    EXPECT_NE(a.evidence.find("\"sampling\":10"), std::string::npos) << a.evidence;
  EXPECT_EQ(opened_alerts(alerts_of(bundled_captures_dir() / "mixed" / "exports-pmacct-sflow-s10.pcap", 1)),
            std::set<std::string>{});
}

TEST(DetectCapture, SharedSampledCapturesRaiseOnlyTheSynScan) {
  SKIP_WITHOUT_SHARED();
  const fs::path dir = shared_flows_dir();
  EXPECT_EQ(opened_alerts(alerts_of(dir / "d1_scan_syn" / "exports-pmacct-sflow-s10.pcap", 1)),
            (std::set<std::string>{"port_scan 203.0.113.50>198.51.100.10:0 inbound",
                                   "port_scan 203.0.113.50>198.51.100.20:0 inbound"}));
  EXPECT_EQ(opened_alerts(alerts_of(dir / "a_baseline" / "exports-pmacct-sflow-s10.pcap", 1)),
            std::set<std::string>{});
  EXPECT_EQ(opened_alerts(alerts_of(dir / "b_rejected" / "exports-pmacct-sflow-s10.pcap", 1)),
            std::set<std::string>{});
}

}  // namespace
}  // namespace synwatch::testing
