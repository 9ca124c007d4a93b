// synwatchd replaying captures through DPDK's net_pcap port (no hugepages, no PCI)
// gives exactly the sessions and alerts synwatch-replay gives, with one worker and with
// two: the capture is read in flow time, records cross between workers by host pair,
// every session is decided at the end of the capture, and the workers' detection
// partials merge on the control thread into the same alerts, line for line.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/support/interface_exports.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_data.h"

namespace synwatch {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::vector<std::string> replay_sessions(const fs::path& capture) {
  return testing::replay_cli_sessions(SYNWATCH_REPLAY_BINARY, capture);
}

// The alert lines in the order they were written.
std::string replay_alerts(const fs::path& capture) {
  const auto r = testing::run_program({SYNWATCH_REPLAY_BINARY, "--emit", "alerts", "-q", capture});
  EXPECT_EQ(r.status, 0) << r.err;
  return r.out;
}

std::vector<std::string> daemon_sessions(const fs::path& capture, uint32_t workers,
                                         std::string& summary, std::string* alerts = nullptr,
                                         const std::vector<std::string>& more = {}) {
  const auto dir = testing::scratch_dir("daemon-capture");
  std::vector<std::string> argv{SYNWATCHD_BINARY, "--pcap", capture, "--workers", std::to_string(workers),
                                "--sessions-out", dir / "s.jsonl", "--alerts-out", dir / "a.jsonl"};
  argv.insert(argv.end(), more.begin(), more.end());
  const auto r = testing::run_program(argv, 120s);
  EXPECT_EQ(r.status, 0) << r.err;
  summary = r.err;
  if (alerts != nullptr) *alerts = testing::read_text(dir / "a.jsonl");
  return testing::sorted_lines(testing::read_text(dir / "s.jsonl"));
}

// Returns how many alert lines the captures gave, so a test can insist on some.
size_t expect_same_sessions(const std::vector<fs::path>& captures, uint32_t workers) {
  EXPECT_FALSE(captures.empty());
  size_t alert_lines = 0;
  for (const auto& capture : captures) {
    SCOPED_TRACE(capture.string() + " with " + std::to_string(workers) + " worker(s)");
    const auto expected = replay_sessions(capture);
    std::string summary, alerts;
    const auto got = daemon_sessions(capture, workers, summary, &alerts);
    EXPECT_EQ(alerts, replay_alerts(capture));
    alert_lines += static_cast<size_t>(std::count(alerts.begin(), alerts.end(), '\n'));
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
  return alert_lines;
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
  EXPECT_GT(expect_same_sessions(captures, 1), 0u) << "the scan and rejected captures raise alerts";
}

TEST(DaemonCapture, SharedCapturesTwoWorkers) {
  const auto captures = shared_captures();
  if (captures.empty()) GTEST_SKIP() << "../shared/testdata/flows is absent: shared captures not replayed";
  EXPECT_GT(expect_same_sessions(captures, 2), 0u) << "the scan and rejected captures raise alerts";
}

// More workers than CPUs still gives the same sessions (workers share CPUs).
TEST(DaemonCapture, MoreWorkersThanCpus) {
  const auto capture = testing::bundled_captures_dir() / "mixed" / "exports-softflowd-ipfix.pcap";
  std::string summary;
  EXPECT_EQ(daemon_sessions(capture, 4, summary), replay_sessions(capture));
  EXPECT_NE(summary.find("synwatchd: 4 workers"), std::string::npos) << summary;
}

// At the detectors' bounds (tables a few keys wide, so that most updates are refused and
// tracked keys evicted) the same capture with the same workers still gives the same
// alerts run after run: the engine merges the workers' partials into a table with room
// for all of them and reads it in key order, whichever worker's partial came first.
TEST(DaemonCapture, AlertsRepeatAtTheDetectorsBounds) {
  const auto dir = testing::scratch_dir("daemon-capture-bounds");
  const auto config = dir / "tight.yaml";
  std::ofstream(config) << "detectors: {enabled: true, keys_per_interval: 64, tracked_keys: 64, contacts: 64}\n";
  for (const char* name : {"exports-softflowd-v9.pcap", "exports-pmacct-sflow.pcap"}) {
    const auto capture = testing::bundled_captures_dir() / "attacks" / name;
    SCOPED_TRACE(capture.string());
    std::string first_alerts;
    for (int run = 0; run < 4; ++run) {
      std::string summary, alerts;
      daemon_sessions(capture, 4, summary, &alerts, {"--config", config.string()});
      EXPECT_NE(summary.find("detect_keys_refused"), std::string::npos) << "the bounds were not reached:\n" << summary;
      EXPECT_NE(alerts, "");
      if (run == 0) first_alerts = alerts;
      else EXPECT_EQ(alerts, first_alerts) << "run " << run;
    }
  }
}

// Fifteen workers start with no memory setting at all: their reassembly buffers take
// more than the 512 MiB default, and the daemon sizes its no_huge memory for them.
TEST(DaemonCapture, FifteenWorkersNeedNoMemorySetting) {
  const auto capture = testing::bundled_captures_dir() / "mixed" / "exports-pmacct-v9.pcap";
  std::string summary;
  EXPECT_EQ(daemon_sessions(capture, 15, summary), replay_sessions(capture));
  EXPECT_NE(summary.find("synwatchd: 15 workers"), std::string::npos) << summary;
}

// Signatures label the same sessions the same way in the daemon, with any number of
// workers, as in the offline replay: the workers hold a burst's records while they are
// scanned and release them in order.
TEST(DaemonCapture, SignaturesLabelAsTheReplayDoes) {
  const fs::path dir = testing::scratch_dir("daemon-signatures");
  const fs::path config = dir / "synwatch.yaml";
  const fs::path pack = testing::source_dir() / "deploy/signatures/default.yaml";
  std::ofstream(config) << "signatures:\n  rule_files: [" << pack.string() << "]\n";
  for (const char* scenario : {"attacks", "mixed"}) {
    const auto capture = testing::bundled_captures_dir() / scenario / "exports-pmacct-sflow.pcap";
    const auto expected = testing::replay_cli_sessions(SYNWATCH_REPLAY_BINARY, capture, {"--config", config.string()});
    std::map<std::string, size_t> labels;
    for (const auto& line : expected) {
      const auto j = nlohmann::json::parse(line);
      if (j.contains("label")) ++labels[j["label"].get<std::string>()];
    }
    EXPECT_GT(labels["http"], 10u) << scenario;
    if (std::string(scenario) == "attacks") {
      EXPECT_GT(labels["libssh"], 10u) << "the brute-force client's banner";
    }
    // Alerts carry the labels of the sessions behind them: the brute-force client's.
    const auto alerts = testing::run_program(
        {SYNWATCH_REPLAY_BINARY, "--emit", "alerts", "-q", "--config", config.string(), capture.string()});
    if (std::string(scenario) == "attacks") {
      EXPECT_TRUE(std::regex_search(alerts.out, std::regex(R"re("detector":"brute_force".*"labels":\{"libssh":\d+\})re")))
          << alerts.out;
    }
    for (uint32_t workers : {1u, 2u}) {
      SCOPED_TRACE(std::string(scenario) + " with " + std::to_string(workers) + " worker(s)");
      std::string summary, daemon_alerts;
      EXPECT_EQ(daemon_sessions(capture, workers, summary, &daemon_alerts, {"--config", config.string()}),
                expected);
      EXPECT_EQ(daemon_alerts, alerts.out);
      EXPECT_NE(summary.find("dropped or lost: none"), std::string::npos) << summary;
    }
  }
}

// Perspective follows the roles the interface rules give the interfaces a border router
// names in options data, in the replay and in the daemon alike (interface_exports.h has
// the router and its sessions); tshark, the oracle decoder, reads the same names.
TEST(DaemonCapture, PerspectiveFollowsInterfaceRolesAsTheReplayDoes) {
  const fs::path dir = testing::scratch_dir("daemon-interface-roles");
  const fs::path with_rule = dir / "with-rule.yaml", without = dir / "without.yaml";
  std::ofstream(with_rule) << testing::kInterfaceRuleYaml;
  std::ofstream(without) << "signatures:\n  rules: []\n";
  const std::map<std::string, std::pair<std::string, std::string>> expected_perspective = {
      {"203.0.113.50>198.51.100.10:22", {"inbound", "edge"}},
      {"198.51.100.10>203.0.113.60:443", {"outbound", "edge"}},
      {"203.0.113.70>192.0.2.200:80", {"edge", "edge"}},
      {"198.51.100.20>198.51.100.10:80", {"private", "edge"}},
      {"203.0.113.80>10.1.2.3:25", {"inbound", "inbound"}},
      {"10.9.9.9>198.51.100.10:8080", {"private", "outbound"}},
  };
  for (const bool v9 : {false, true}) {
    SCOPED_TRACE(v9 ? "NetFlow v9" : "IPFIX");
    const fs::path capture = dir / (v9 ? "v9.pcap" : "ipfix.pcap");
    testing::write_interface_role_capture(capture, v9);
    if (const std::string tshark = testing::find_program("tshark"); !tshark.empty()) {
      const auto t = testing::run_program({tshark, "-r", capture, "-d", "udp.port==4739,cflow", "-T",
                                           "fields", "-e", "cflow.if_name", "-e", "cflow.if_descr"});
      ASSERT_EQ(t.status, 0) << t.err;
      for (const char* text : {"Te0/0/0", "TRANSIT: AS64500 upstream", "Vl100", "servers", "Gi0/1",
                               "IX peering LAN"})
        EXPECT_NE(t.out.find(text), std::string::npos) << text << " in tshark's decoding:\n" << t.out;
    } else {
      std::cerr << "tshark not installed: the capture is not checked against it\n";
    }
    // Records say the roles of their interfaces.
    const auto records = testing::run_program({SYNWATCH_REPLAY_BINARY, "--config", with_rule.string(), capture});
    ASSERT_EQ(records.status, 0) << records.err;
    EXPECT_NE(records.out.find(R"("in_if":1,"out_if":2,"in_if_role":"external","out_if_role":"internal")"),
              std::string::npos) << records.out;
    EXPECT_NE(records.out.find(R"("in_if":1,"out_if":4,"in_if_role":"external"})"), std::string::npos)
        << "interface 4 was never named: no role";
    const auto sessions = testing::replay_cli_sessions(SYNWATCH_REPLAY_BINARY, capture,
                                                       {"--config", with_rule.string()});
    const auto plain = testing::replay_cli_sessions(SYNWATCH_REPLAY_BINARY, capture,
                                                    {"--config", without.string()});
    for (const auto* lines : {&sessions, &plain}) {
      ASSERT_EQ(lines->size(), expected_perspective.size());
      for (const auto& line : *lines) {
        const auto j = nlohmann::json::parse(line);
        const std::string key = j["client"].get<std::string>() + ">" + j["server"].get<std::string>() +
                                ":" + std::to_string(j["server_port"].get<int>());
        ASSERT_TRUE(expected_perspective.contains(key)) << line;
        const auto& [with, plain_perspective] = expected_perspective.at(key);
        EXPECT_EQ(j["perspective"], lines == &sessions ? with : plain_perspective) << line;
      }
    }
    for (uint32_t workers : {1u, 2u}) {
      SCOPED_TRACE(std::to_string(workers) + " worker(s)");
      std::string summary;
      EXPECT_EQ(daemon_sessions(capture, workers, summary, nullptr, {"--config", with_rule.string()}),
                sessions);
      EXPECT_NE(summary.find("dropped or lost: none"), std::string::npos) << summary;
    }
  }
}

// --detect-snapshot: the first run finds none and writes one at exit; the next run
// starts from it.
TEST(DaemonCapture, DetectorBaselinesSurviveARestart) {
  const auto capture = testing::bundled_captures_dir() / "mixed" / "exports-softflowd-v9.pcap";
  const auto snapshot = std::filesystem::path(::testing::TempDir()) / "synwatchd-detect.snapshot";
  std::filesystem::remove(snapshot);
  const std::vector<std::string> argv{SYNWATCHD_BINARY, "--pcap", capture, "--sessions-out", "",
                                      "--detect-snapshot", snapshot, "-q"};
  const auto first = testing::run_program(argv);
  ASSERT_EQ(first.status, 0) << first.err;
  EXPECT_NE(first.err.find("synwatchd: detectors.snapshot: no " + snapshot.string() + " yet; baselines start empty"),
            std::string::npos)
      << first.err;
  ASSERT_TRUE(std::filesystem::exists(snapshot));
  const auto second = testing::run_program(argv);
  ASSERT_EQ(second.status, 0) << second.err;
  EXPECT_NE(second.err.find("synwatchd: detectors.snapshot: restored "), std::string::npos) << second.err;
  EXPECT_NE(second.err.find(" of failed_sessions from " + snapshot.string()), std::string::npos) << second.err;
  {
    std::ofstream damaged(snapshot, std::ios::trunc);
    damaged << "not a snapshot";
  }
  const auto third = testing::run_program(argv);  // a bad file: said, and the daemon runs on
  ASSERT_EQ(third.status, 0) << third.err;
  EXPECT_NE(third.err.find("synwatchd: detectors.snapshot: " + snapshot.string() +
                           " refused: not a synwatch detector snapshot; baselines start empty"),
            std::string::npos)
      << third.err;
}

// Who, to whom and how it ended: what must match when the counts may not.
std::multiset<std::string> outcomes(const std::vector<std::string>& lines) {
  std::multiset<std::string> out;
  for (const auto& line : lines) {
    const auto j = nlohmann::json::parse(line);
    out.insert(j["client"].get<std::string>() + ":" + std::to_string(j["client_port"].get<int>()) +
               " > " + j["server"].get<std::string>() + ":" +
               std::to_string(j["server_port"].get<int>()) + " " + j["state"].get<std::string>());
  }
  return out;
}

// A live DPDK port (a capture looped by net_pcap's infinite_rx never ends), two workers,
// then SIGTERM: exit 0, and every session written exactly once, the ones still open
// decided at shutdown. The looped records add up in the open sessions' counts, so the
// comparison with the replay is of who, to whom and the state.
TEST(DaemonLive, SigtermDecidesEverySessionOfALoopedPort) {
  const auto capture = testing::bundled_captures_dir() / "mixed" / "exports-softflowd-v9.pcap";
  const auto dir = testing::scratch_dir("daemon-live");
  std::ofstream(dir / "live.yaml") << "dataplane:\n  no_huge: true\n  lcores: [0, 1]\n"
                                   << "  ports: [{device: \"net_pcap0,rx_pcap=" << capture.string()
                                   << ",infinite_rx=1\"}]\n";
  testing::Subprocess daemon({SYNWATCHD_BINARY, "--config", dir / "live.yaml", "--sessions-out",
                              dir / "s.jsonl"},
                             dir / "out", dir / "err");
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (testing::read_text(dir / "err").find("receiving on") == std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << testing::read_text(dir / "err");
    std::this_thread::sleep_for(10ms);
  }
  std::this_thread::sleep_for(1s);
  daemon.signal(SIGTERM);
  ASSERT_EQ(daemon.wait(30s), 0) << testing::read_text(dir / "err");
  const std::string summary = testing::read_text(dir / "err");
  EXPECT_EQ(outcomes(testing::sorted_lines(testing::read_text(dir / "s.jsonl"))),
            outcomes(replay_sessions(capture)))
      << summary;
  EXPECT_NE(summary.find("decided_flush"), std::string::npos) << summary;
  EXPECT_NE(summary.find("late_records"), std::string::npos) << "the capture should have looped";
}

}  // namespace
}  // namespace synwatch
