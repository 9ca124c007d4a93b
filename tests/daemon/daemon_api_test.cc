// The API end to end: synwatchd receives a bundled attack capture over UDP while
// synwatchctl and a real python3-grpcio client are subscribed to its alerts. Every
// alert event the daemon writes to its alert log reaches both subscribers, and
// synwatchctl's status and exporters agree with what the daemon counted. Its top failed
// and session lookup agree with the session log; its detectors answer and reset.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "tests/support/interface_exports.h"
#include "tests/support/test_data.h"
#include "tests/support/udp_daemon.h"

namespace synwatch {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The "id" and "status" of each JSON line, in order.
std::vector<std::string> alert_events(const std::string& jsonl) {
  static const std::regex id(R"re("id":"([0-9a-f]+)")re"), status(R"re("status":"(?:ALERT_STATUS_)?([a-zA-Z]+)")re");
  std::vector<std::string> out;
  std::istringstream in(jsonl);
  for (std::string line; std::getline(in, line);) {
    std::smatch i, s;
    if (!std::regex_search(line, i, id) || !std::regex_search(line, s, status)) continue;
    std::string st = s[1];
    for (char& c : st) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out.push_back(std::string(i[1]) + " " + st);
  }
  return out;
}

// Waits until `file` contains `text` (or 20 s).
bool wait_for_text(const fs::path& file, const std::string& text) {
  for (int i = 0; i < 2000; ++i) {
    if (testing::read_text(file).find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

TEST(ApiEndToEnd, SubscribersReceiveEveryAlertTheDaemonWrites) {
  const auto capture = testing::bundled_captures_dir() / "attacks" / "exports-softflowd-v9.pcap";
  const fs::path dir = testing::scratch_dir("api-e2e");
  const std::string api = "127.0.0.1:" + std::to_string(testing::test_port(6) + 1);
  const fs::path config = dir / "synwatch.yaml";
  const std::string yaml = "detectors:\n  port_scan:\n    ports: 15\n";
  std::ofstream(config) << yaml;
  testing::UdpDaemon daemon(testing::test_port(6), 2,
                            {"--config", config.string(), "--api-listen", api, "--alerts-out",
                             (dir / "alerts.jsonl").string(), "--metrics-listen", ""});
  ASSERT_NE(daemon.summary().find("API on " + api), std::string::npos) << daemon.summary();

  testing::Subprocess follower({SYNWATCHCTL_BINARY, "--server", api, "alerts", "--follow", "--json"},
                               dir / "ctl.out", dir / "ctl.err");
  const bool python = std::system("/usr/bin/python3 -c 'import grpc' 2>/dev/null") == 0 &&
                      std::system("command -v protoc >/dev/null 2>&1") == 0;
  std::unique_ptr<testing::Subprocess> py;
  if (python) {
    fs::create_directories(dir / "py");
    py = std::make_unique<testing::Subprocess>(
        std::vector<std::string>{"/usr/bin/python3", (testing::source_dir() / "tests/api/grpc_subscriber.py").string(),
                                 api, (testing::source_dir() / "proto").string(), (dir / "py").string()},
        dir / "py.out", dir / "py.err");
    ASSERT_TRUE(wait_for_text(dir / "py.err", "subscribed")) << testing::read_text(dir / "py.err");
    // Its configuration change is running, logged with who made it, and in the file.
    EXPECT_NE(testing::read_text(dir / "py.err").find("applied version 2"), std::string::npos);
    EXPECT_NE(daemon.summary().find("change by ipv4:127.0.0.1:"), std::string::npos) << daemon.summary();
    EXPECT_NE(daemon.summary().find("configuration version 2"), std::string::npos) << daemon.summary();
    EXPECT_EQ(testing::read_text(config), "detectors:\n  port_scan:\n    ports: 14\n");
  }
  // synwatchctl lists the (empty) history, then subscribes: give it that moment.
  std::this_thread::sleep_for(500ms);

  testing::send_capture(capture, testing::test_port(6));
  std::this_thread::sleep_for(500ms);  // workers publish their stats every 100 ms
  const auto status = testing::run_program({SYNWATCHCTL_BINARY, "--server", api, "status", "--json"});
  const auto exporters = testing::run_program({SYNWATCHCTL_BINARY, "--server", api, "exporters"});
  const auto table = testing::run_program({SYNWATCHCTL_BINARY, "--server", api, "status"});
  ASSERT_EQ(daemon.stop(), 0) << daemon.summary();

  EXPECT_EQ(status.status, 0) << status.err;
  EXPECT_NE(status.out.find("\"sessions_decided\""), std::string::npos) << status.out;
  EXPECT_NE(table.out.find("receiving on udp"), std::string::npos) << table.out;
  EXPECT_EQ(exporters.status, 0) << exporters.err;
  EXPECT_NE(exporters.out.find("127.0.0.1"), std::string::npos) << exporters.out;
  EXPECT_NE(exporters.out.find("v9/"), std::string::npos) << exporters.out;
  // The workers' records as the API reported them: all of them (the capture had been
  // decoded by then), as the exit summary counts them.
  std::smatch all;
  const std::string summary = daemon.summary();
  ASSERT_TRUE(std::regex_search(summary, all, std::regex(R"(\n  all +\d+ +\d+ +(\d+) )"))) << summary;
  uint64_t reported = 0;
  const std::regex records(R"re("records":"(\d+)")re");
  for (std::sregex_iterator it(status.out.begin(), status.out.end(), records), end; it != end; ++it)
    reported += std::stoull((*it)[1]);
  EXPECT_EQ(reported, std::stoull(all[1])) << status.out;

  const auto written = alert_events(testing::read_text(dir / "alerts.jsonl"));
  ASSERT_GT(written.size(), 5u) << "the attack capture raises alerts";
  EXPECT_EQ(follower.wait(20s), 1) << "synwatchctl reports the stream's end: " << testing::read_text(dir / "ctl.err");
  EXPECT_NE(testing::read_text(dir / "ctl.err").find("synwatchd stopped"), std::string::npos);
  EXPECT_EQ(alert_events(testing::read_text(dir / "ctl.out")), written);
  if (!python) GTEST_SKIP() << "python3-grpcio or protoc missing: the Python subscriber was not run";
  EXPECT_EQ(py->wait(20s), 0) << testing::read_text(dir / "py.err");
  EXPECT_EQ(alert_events(testing::read_text(dir / "py.out")), written);
}

// A proto3 JSON uint64 (a string) or a missing field as a number.
uint64_t u64(const nlohmann::json& j, const char* field) {
  if (!j.contains(field)) return 0;
  return j[field].is_string() ? std::stoull(j[field].get<std::string>()) : j[field].get<uint64_t>();
}

TEST(ApiEndToEnd, TopFailedAndLookupAgreeWithTheSessionLog) {
  const auto capture = testing::bundled_captures_dir() / "attacks" / "exports-softflowd-v9.pcap";
  const std::string api = "127.0.0.1:" + std::to_string(testing::test_port(7) + 1);
  testing::UdpDaemon daemon(testing::test_port(7), 2, {"--api-listen", api, "--metrics-listen", ""});
  testing::send_capture(capture, testing::test_port(7));
  // Until the session log stops growing: what is decided by now is all the API knows.
  std::vector<std::string> logged;
  for (int quiet = 0; quiet < 4;) {
    std::this_thread::sleep_for(500ms);
    const auto now = daemon.sessions();
    quiet = now.size() == logged.size() && !now.empty() ? quiet + 1 : 0;
    logged = now;
  }
  auto ctl = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {SYNWATCHCTL_BINARY, "--server", api});
    return testing::run_program(args);
  };
  const auto top = ctl({"top", "servers", "--window", "1h", "--limit", "1000", "--json"});
  const auto top_table = ctl({"top", "ports"});
  const auto detectors = ctl({"detectors", "--json"});
  const auto baselines = ctl({"detectors", "baselines", "syn_flood"});
  const auto reset = ctl({"detectors", "reset", "port_scan"});
  const auto unknown = ctl({"detectors", "reset", "port_scam"});
  ASSERT_EQ(top.status, 0) << top.err;
  const nlohmann::json t = nlohmann::json::parse(top.out);
  ASSERT_FALSE(t["entries"].empty()) << top.out;
  const std::string worst = t["entries"][0]["address"];
  const auto found = ctl({"sessions", worst, "--limit", "1000", "--json"});
  ASSERT_EQ(daemon.stop(), 0) << daemon.summary();

  // Failed sessions per server in the log decided before the queries (the capture spans
  // less than the hour's window).
  std::map<std::string, uint64_t> failed;
  uint64_t failed_total = 0, of_worst = 0;
  for (const auto& line : logged) {
    const nlohmann::json s = nlohmann::json::parse(line);
    if (s["server"] == worst || s["client"] == worst) ++of_worst;
    if (!s["failed"].get<bool>()) continue;
    ++failed[s["server"].get<std::string>()];
    ++failed_total;
  }
  EXPECT_EQ(u64(t, "failed"), failed_total);
  EXPECT_EQ(u64(t, "not_listed"), 0u);
  ASSERT_EQ(t["entries"].size(), failed.size());
  for (const auto& e : t["entries"]) EXPECT_EQ(u64(e, "failed"), failed[e["address"]]) << e.dump();
  EXPECT_NE(top_table.out.find("server port"), std::string::npos) << top_table.out;

  ASSERT_EQ(found.status, 0) << found.err;
  const nlohmann::json f = nlohmann::json::parse(found.out);
  EXPECT_EQ(u64(f, "searched"), logged.size());
  EXPECT_EQ(f["sessions"].size(), std::min<uint64_t>(of_worst, 1000));

  ASSERT_EQ(detectors.status, 0) << detectors.err;
  EXPECT_EQ(nlohmann::json::parse(detectors.out)["detectors"].size(), 11u);
  EXPECT_EQ(baselines.status, 0) << baselines.err;
  EXPECT_NE(baselines.out.find("connection attempts per interval"), std::string::npos) << baselines.out;
  EXPECT_EQ(reset.status, 0) << reset.err;
  EXPECT_NE(reset.out.find("port_scan reset"), std::string::npos) << reset.out;
  EXPECT_NE(daemon.summary().find("change by ipv4:127.0.0.1:"), std::string::npos) << daemon.summary();
  EXPECT_EQ(unknown.status, 1);
  EXPECT_NE(unknown.err.find("'port_scam' is not a detector"), std::string::npos) << unknown.err;
}

// SIGHUP reloads the file: a detector change applies (a new version, logged); a file
// that also changes what only a restart can is refused whole, named in a warning.
TEST(ApiEndToEnd, SighupReloadsTheConfigurationFile) {
  const fs::path dir = testing::scratch_dir("api-sighup");
  const std::string api = "127.0.0.1:" + std::to_string(testing::test_port(5) + 1);
  const fs::path config = dir / "synwatch.yaml";
  std::ofstream(config) << "detectors:\n  port_scan:\n    ports: 15\n";
  testing::UdpDaemon daemon(testing::test_port(5), 1,
                            {"--config", config.string(), "--api-listen", api, "--metrics-listen", ""});
  auto version = [&] {
    const auto r = testing::run_program({SYNWATCHCTL_BINARY, "--server", api, "config", "get", "--json"});
    return nlohmann::json::parse(r.out)["version"].get<std::string>();
  };
  auto reload = [&](const std::string& expect) {
    daemon.signal(SIGHUP);
    for (int i = 0; i < 500 && daemon.summary().find(expect) == std::string::npos; ++i)
      std::this_thread::sleep_for(10ms);
    return daemon.summary().find(expect) != std::string::npos;
  };
  EXPECT_EQ(version(), "1");
  std::ofstream(config) << "detectors:\n  port_scan:\n    ports: 12\n";
  EXPECT_TRUE(reload("change by SIGHUP: configuration version 2")) << daemon.summary();
  EXPECT_EQ(version(), "2");
  std::ofstream(config) << "detectors:\n  port_scan:\n    ports: 10\n  tracked_keys: 1024\n";
  EXPECT_TRUE(reload("warning: SIGHUP: " + config.string() + ": detectors.tracked_keys: only a restart"))
      << daemon.summary();
  EXPECT_EQ(version(), "2");
  ASSERT_EQ(daemon.stop(), 0) << daemon.summary();
}

// The workers' address plan changes at runtime: under the plan the daemon starts with,
// the capture's sessions (between documentation addresses) are all edge; once
// sessions.internal_prefixes names every address, the workers (two of them) classify
// every session after the change as private, without a restart. A sampling override
// added next applies to the exporter the worker already knows.
TEST(ApiEndToEnd, SighupSwitchesTheWorkersAddressPlan) {
  const auto capture = testing::bundled_captures_dir() / "mixed" / "exports-softflowd-v9.pcap";
  std::set<std::string> default_perspectives;
  for (const auto& line : testing::replay_cli_sessions(SYNWATCH_REPLAY_BINARY, capture))
    default_perspectives.insert(nlohmann::json::parse(line)["perspective"].get<std::string>());
  ASSERT_EQ(default_perspectives, std::set<std::string>{"edge"});

  const fs::path dir = testing::scratch_dir("api-address-plan");
  const fs::path config = dir / "synwatch.yaml";
  std::ofstream(config) << "sessions:\n  internal_prefixes: [10.0.0.0/8]\n";
  const std::string api = "127.0.0.1:" + std::to_string(testing::test_port(4) + 1);
  testing::UdpDaemon daemon(testing::test_port(4), 2, {"--config", config.string(), "--api-listen", api, "--metrics-listen", ""});
  std::ofstream(config) << "sessions:\n  internal_prefixes: [0.0.0.0/0, \"::/0\"]\n";
  daemon.signal(SIGHUP);
  for (int i = 0; i < 500 && daemon.summary().find("change by SIGHUP") == std::string::npos; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_NE(daemon.summary().find("change by SIGHUP: configuration version 2"), std::string::npos) << daemon.summary();
  EXPECT_NE(daemon.summary().find("sessions.internal_prefixes[0], sessions.internal_prefixes[1]"), std::string::npos)
      << daemon.summary();
  testing::send_capture(capture, testing::test_port(4));

  std::ofstream(config) << "sessions:\n  internal_prefixes: [0.0.0.0/0, \"::/0\"]\n"
                        << "decoder:\n  sampling_overrides: [{exporter: 127.0.0.1, rate: 100}]\n";
  daemon.signal(SIGHUP);
  std::string exporters;
  for (int i = 0; i < 300 && exporters.find("\"configured_sampling_rate\":100") == std::string::npos; ++i) {
    std::this_thread::sleep_for(10ms);
    exporters = testing::run_program({SYNWATCHCTL_BINARY, "--server", api, "--json", "exporters"}).out;
  }
  EXPECT_NE(exporters.find("\"configured_sampling_rate\":100"), std::string::npos) << exporters << daemon.summary();
  EXPECT_NE(daemon.summary().find("configuration version 3 (etag"), std::string::npos) << daemon.summary();
  ASSERT_EQ(daemon.stop(), 0) << daemon.summary();
  const auto sessions = daemon.sessions();
  ASSERT_FALSE(sessions.empty());
  for (const auto& line : sessions) EXPECT_EQ(nlohmann::json::parse(line)["perspective"], "private") << line;
}

// A rule pack edited on disk, the configuration text unchanged: SIGHUP reads the pack
// again, and the sessions after it take the new labels.
TEST(ApiEndToEnd, SighupRereadsAnEditedRuleFile) {
  const fs::path dir = testing::scratch_dir("api-rule-file");
  const fs::path config = dir / "synwatch.yaml", pack = dir / "pack.yaml";
  std::ofstream(pack) << "rules: [{id: ssh, expression: '^SSH-', target: payload, label: before-edit}]\n";
  std::ofstream(config) << "signatures:\n  rule_files: [" << pack.string() << "]\n";
  testing::UdpDaemon daemon(testing::test_port(2), 1, {"--config", config.string(), "--api-listen", "", "--metrics-listen", ""});
  std::ofstream(pack) << "rules: [{id: ssh, expression: '^SSH-', target: payload, label: after-edit}]\n";
  daemon.signal(SIGHUP);
  for (int i = 0; i < 500 && daemon.summary().find("change by SIGHUP") == std::string::npos; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_NE(daemon.summary().find("change by SIGHUP: configuration version 2 (etag"), std::string::npos)
      << daemon.summary();
  EXPECT_NE(daemon.summary().find("signatures.rule_files (contents)"), std::string::npos) << daemon.summary();
  // Nothing edited since: SIGHUP changes nothing.
  daemon.signal(SIGHUP);
  for (int i = 0; i < 500 && daemon.summary().find("is unchanged (version 2)") == std::string::npos; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_NE(daemon.summary().find("is unchanged (version 2)"), std::string::npos) << daemon.summary();
  testing::send_capture(testing::bundled_captures_dir() / "attacks" / "exports-pmacct-sflow.pcap", testing::test_port(2));
  ASSERT_EQ(daemon.stop(), 0) << daemon.summary();
  std::map<std::string, size_t> labels;
  for (const auto& line : daemon.sessions()) {
    const auto j = nlohmann::json::parse(line);
    if (j.contains("label")) ++labels[j["label"].get<std::string>()];
  }
  EXPECT_GT(labels["after-edit"], 10u);
  EXPECT_EQ(labels.count("before-edit"), 0u);
}

// Interface rules that arrive with a reload tell the roles of the interfaces the daemon
// already knows: no new options data is needed. The same sessions again, once the first
// are decided (past the idle timeout, within the export clock's jump guard): edge before
// the rule, inbound, outbound and private after it.
TEST(ApiEndToEnd, InterfaceRulesAppliedAtRuntimeTellKnownInterfacesAgain) {
  const fs::path dir = testing::scratch_dir("api-interface-roles");
  const fs::path config = dir / "synwatch.yaml";
  std::ofstream(config) << "signatures:\n  rules: []\n";
  testing::UdpDaemon daemon(testing::test_port(0), 1, {"--config", config.string(), "--api-listen", "", "--metrics-listen", ""});
  std::vector<testing::CapturedDatagram> before;
  for (auto& payload : testing::interface_role_exports()) before.push_back({{}, std::move(payload)});
  testing::send_datagrams(before, testing::test_port(0));
  std::ofstream(config) << testing::kInterfaceRuleYaml;
  daemon.signal(SIGHUP);
  for (int i = 0; i < 500 && daemon.summary().find("change by SIGHUP") == std::string::npos; ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_NE(daemon.summary().find("change by SIGHUP: configuration version 2"), std::string::npos) << daemon.summary();
  const uint32_t later = testing::kInterfaceExportSecs + 500;
  testing::send_datagrams({{{}, testing::interface_role_flows(false, later, 11)}}, testing::test_port(0));
  ASSERT_EQ(daemon.stop(), 0) << daemon.summary();
  std::map<std::string, size_t> first, second;
  for (const auto& line : daemon.sessions()) {
    const auto j = nlohmann::json::parse(line);
    auto& tally = j["start_ms"].get<int64_t>() < int64_t{later - 100} * 1000 ? first : second;
    ++tally[j["perspective"].get<std::string>()];
  }
  EXPECT_EQ(first, (std::map<std::string, size_t>{{"edge", 4}, {"inbound", 1}, {"outbound", 1}}));
  EXPECT_EQ(second, (std::map<std::string, size_t>{{"edge", 1}, {"inbound", 2}, {"outbound", 1}, {"private", 2}}));
}

// Sends `datagrams` to `port` `chunk` at a time; after each chunk, `synwatchctl config
// apply` of the next of `files` in turn. Returns how many changes were applied.
int send_applying(const std::vector<testing::CapturedDatagram>& datagrams, size_t chunk, uint16_t port,
                  const std::string& api, const std::vector<fs::path>& files) {
  int applied = 0;
  for (size_t at = 0; at < datagrams.size(); at += chunk) {
    const size_t end = std::min(at + chunk, datagrams.size());
    testing::send_datagrams({datagrams.begin() + static_cast<ptrdiff_t>(at), datagrams.begin() + static_cast<ptrdiff_t>(end)},
                            port);
    const auto r = testing::run_program(
        {SYNWATCHCTL_BINARY, "--server", api, "config", "apply", files[applied % files.size()].string()});
    EXPECT_EQ(r.status, 0) << r.out << r.err;
    ++applied;
  }
  return applied;
}

// Changes applied while export datagrams arrive lose none of them: the capture is sent
// in chunks, and between two chunks `synwatchctl config apply` switches the workers'
// address plan and a detector's threshold back and forth. Every session of the offline
// replay is written (perspectives aside: they follow the plan of the moment), and
// nothing was dropped.
TEST(ApiEndToEnd, ChangesAppliedWhileReceivingLoseNothing) {
  const auto capture = testing::bundled_captures_dir() / "attacks" / "exports-softflowd-v9.pcap";
  const auto datagrams = testing::read_datagrams(capture);
  const fs::path dir = testing::scratch_dir("api-apply-under-load");
  const fs::path config = dir / "synwatch.yaml", a = dir / "a.yaml", b = dir / "b.yaml";
  std::ofstream(a) << "sessions:\n  internal_prefixes: [10.0.0.0/8]\ndetectors:\n  port_scan:\n    ports: 15\n";
  std::ofstream(b) << "sessions:\n  internal_prefixes: [198.51.100.0/24]\ndetectors:\n  port_scan:\n    ports: 12\n";
  fs::copy_file(a, config);
  const std::string api = "127.0.0.1:" + std::to_string(testing::test_port(3) + 1);
  testing::UdpDaemon daemon(testing::test_port(3), 2, {"--config", config.string(), "--api-listen", api, "--metrics-listen", ""});
  const int applied = send_applying(datagrams, 10, testing::test_port(3), api, {b, a});
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(daemon.stop(), 0) << daemon.summary();
  EXPECT_NE(daemon.summary().find("configuration version " + std::to_string(applied + 1) + " (etag"), std::string::npos)
      << daemon.summary();
  EXPECT_NE(daemon.summary().find("dropped or lost: none"), std::string::npos) << daemon.summary();
  auto without_perspective = [](std::vector<std::string> lines) {
    static const std::regex perspective(R"("perspective":"[a-z]+",?)");
    for (auto& line : lines) line = std::regex_replace(line, perspective, "");
    std::sort(lines.begin(), lines.end());
    return lines;
  };
  EXPECT_EQ(without_perspective(daemon.sessions()),
            without_perspective(testing::replay_cli_sessions(SYNWATCH_REPLAY_BINARY, capture)));
  EXPECT_GE(applied, 10);
}

// Signatures change at runtime without a restart or a lost record: sFlow samples with
// HTTP and SSH payloads arrive in chunks while `synwatchctl config apply` switches
// between two rule sets and no rules at all; a rule set that does not compile is refused
// with the rule and the reason, and changes nothing. Every session of the offline replay
// is written (its times and perspective aside: live sFlow takes the arrival time), and
// each label is one the rule sets give.
TEST(ApiEndToEnd, SignaturesChangeWhileReceivingLoseNothing) {
  const auto capture = testing::bundled_captures_dir() / "attacks" / "exports-pmacct-sflow.pcap";
  const auto datagrams = testing::read_datagrams(capture);
  const fs::path dir = testing::scratch_dir("api-signatures");
  const fs::path config = dir / "synwatch.yaml";
  const fs::path sets[] = {dir / "a.yaml", dir / "b.yaml", dir / "none.yaml"};
  std::ofstream(sets[0]) << "signatures:\n  rules:\n"
                         << "    - {id: ssh, expression: '^SSH-2\\.0-', target: payload, label: ssh-a}\n"
                         << "    - {id: http, expression: '^(GET /|HTTP/1\\.)', target: payload, label: http-a}\n";
  std::ofstream(sets[1]) << "signatures:\n  rules:\n"
                         << "    - {id: http, expression: '^(GET /|HTTP/1\\.)', target: payload, label: http-b}\n";
  std::ofstream(sets[2]) << "signatures:\n  rules: []\n";
  const fs::path broken = dir / "broken.yaml";
  std::ofstream(broken) << "signatures:\n  rules: [{id: bad, expression: '(unclosed', target: payload, label: x}]\n";
  fs::copy_file(sets[0], config);
  const std::string api = "127.0.0.1:" + std::to_string(testing::test_port(5) + 1);
  testing::UdpDaemon daemon(testing::test_port(5), 2,
                            {"--config", config.string(), "--api-listen", api, "--metrics-listen", ""});
  const auto refused = testing::run_program({SYNWATCHCTL_BINARY, "--server", api, "config", "apply", broken.string()});
  EXPECT_NE(refused.status, 0);
  EXPECT_NE((refused.out + refused.err).find("signatures.rules[0] (bad).expression: Missing close parenthesis"),
            std::string::npos)
      << refused.out << refused.err;
  const int applied = send_applying(datagrams, 40, testing::test_port(5), api, {sets[1], sets[2], sets[0]});
  std::this_thread::sleep_for(300ms);
  // The API's session lookup carries the labels too.
  const auto looked_up = testing::run_program({SYNWATCHCTL_BINARY, "--server", api, "--json", "--limit", "1000",
                                               "sessions", "198.51.100.10"});
  EXPECT_TRUE(std::regex_search(looked_up.out, std::regex(R"re("label": ?"(ssh-a|http-a|http-b)")re")))
      << looked_up.out << looked_up.err;
  ASSERT_EQ(daemon.stop(), 0) << daemon.summary();
  EXPECT_NE(daemon.summary().find("configuration version " + std::to_string(applied + 1) + " (etag"), std::string::npos)
      << "the refused text did not count: " << daemon.summary();
  EXPECT_NE(daemon.summary().find("dropped or lost: none"), std::string::npos) << daemon.summary();
  std::map<std::string, size_t> labels;
  auto comparable = [&labels](std::vector<std::string> lines) {
    static const std::regex varying(R"re(("perspective":"[a-z]+"|"(start|end)_ms":[0-9]+),?|,"label":"[a-z-]+")re");
    static const std::regex label(R"re("label":"([a-z-]+)")re");
    for (auto& line : lines) {
      std::smatch m;
      if (std::regex_search(line, m, label)) ++labels[m[1]];
      line = std::regex_replace(line, varying, "");
    }
    std::sort(lines.begin(), lines.end());
    return lines;
  };
  const auto got = comparable(daemon.sessions());
  const auto expected = comparable(testing::replay_cli_sessions(SYNWATCH_REPLAY_BINARY, capture));
  std::vector<std::string> only_daemon, only_replay;
  std::set_difference(got.begin(), got.end(), expected.begin(), expected.end(), std::back_inserter(only_daemon));
  std::set_difference(expected.begin(), expected.end(), got.begin(), got.end(), std::back_inserter(only_replay));
  EXPECT_EQ(got.size(), expected.size());
  EXPECT_TRUE(only_daemon.empty() && only_replay.empty())
      << only_daemon.size() << " sessions only in the daemon's log, " << only_replay.size() << " only in the replay's; first:\n"
      << (only_daemon.empty() ? "" : "daemon: " + only_daemon[0] + "\n") << (only_replay.empty() ? "" : "replay: " + only_replay[0]);
  EXPECT_GE(applied, 4);
  for (const auto& [name, n] : labels) EXPECT_TRUE(name == "ssh-a" || name == "http-a" || name == "http-b") << name;
  EXPECT_GT(labels["ssh-a"] + labels["http-a"] + labels["http-b"], 0u) << "the rule sets labelled sessions";
}

// synwatchctl with no daemon behind the address: exit 1 and one line that says what
// to check; a wrong command line: exit 2 and a pointer to --help.
TEST(ApiEndToEnd, SynwatchctlSaysWhenTheDaemonCannotBeReached) {
  const std::string nowhere = "127.0.0.1:" + std::to_string(testing::test_port(1));
  for (const char* command : {"status", "alerts"}) {
    const auto r = testing::run_program({SYNWATCHCTL_BINARY, "--server", nowhere, "--timeout", "2", command});
    EXPECT_EQ(r.status, 1) << command;
    EXPECT_EQ(r.err.rfind("synwatchctl: cannot reach synwatchd at " + nowhere + " (", 0), 0u) << r.err;
    EXPECT_NE(r.err.find("is it running, and is api.listen this address?"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
  }
  const auto bad = testing::run_program({SYNWATCHCTL_BINARY, "--server", nowhere, "statuss"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("--help"), std::string::npos) << bad.err;
}

// A DPDK port receiving (net_pcap looping a capture, two workers): the API's status
// and /metrics show what the NIC counts, per port and per queue with its worker.
TEST(ApiEndToEnd, PortStatisticsWhileDpdkReceives) {
  const auto capture = testing::bundled_captures_dir() / "mixed" / "exports-softflowd-v9.pcap";
  const fs::path dir = testing::scratch_dir("api-ports");
  std::ofstream(dir / "synwatch.yaml") << "dataplane:\n  no_huge: true\n  lcores: [0, 1]\n"
                                       << "  ports: [{device: \"net_pcap0,rx_pcap=" << capture.string()
                                       << ",infinite_rx=1\"}]\noutput: {sessions: \"\"}\n";
  const std::string api = "127.0.0.1:" + std::to_string(testing::test_port(2));
  testing::Subprocess daemon({SYNWATCHD_BINARY, "--config", (dir / "synwatch.yaml").string(), "--api-listen", api,
                              "--metrics-listen", "127.0.0.1:0"},
                             dir / "out", dir / "err");
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (testing::read_text(dir / "err").find("receiving on") == std::string::npos) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << testing::read_text(dir / "err");
    std::this_thread::sleep_for(10ms);
  }
  std::this_thread::sleep_for(500ms);

  const auto status = testing::run_program({SYNWATCHCTL_BINARY, "--server", api, "--json", "status"});
  ASSERT_EQ(status.status, 0) << status.err;
  const auto json = nlohmann::json::parse(status.out);
  ASSERT_EQ(json["ports"].size(), 1u) << status.out;
  const auto& port = json["ports"][0];
  EXPECT_EQ(port["name"], "net_pcap0");
  EXPECT_EQ(port["driver"], "net_pcap");
  EXPECT_GT(std::stoull(port["packets"].get<std::string>()), 0u) << status.out;
  ASSERT_EQ(port["queues"].size(), 1u) << status.out;
  EXPECT_GT(std::stoull(port["queues"][0]["packets"].get<std::string>()), 0u) << status.out;
  const auto table = testing::run_program({SYNWATCHCTL_BINARY, "--server", api, "status"});
  EXPECT_NE(table.out.find("net_pcap0"), std::string::npos) << table.out;

  std::smatch where;
  const std::string started = testing::read_text(dir / "err");
  ASSERT_TRUE(std::regex_search(started, where, std::regex(R"(metrics on http://127\.0\.0\.1:(\d+)/metrics)")));
  const auto scrape = testing::run_program(
      {"/bin/bash", "-c",
       "exec 3<>/dev/tcp/127.0.0.1/" + where[1].str() + " && printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3"});
  EXPECT_TRUE(std::regex_search(scrape.out, std::regex(R"(synwatch_port_received_packets_total\{port="0",device="net_pcap0"\} [1-9])")))
      << scrape.out;
  EXPECT_NE(scrape.out.find("synwatch_port_dropped_total{port=\"0\",device=\"net_pcap0\",reason=\"missed\"}"),
            std::string::npos);
  EXPECT_NE(scrape.out.find("synwatch_port_queue_received_packets_total{port=\"0\",device=\"net_pcap0\",queue=\"0\",worker=\"0\"}"),
            std::string::npos);
  daemon.signal(SIGTERM);
  ASSERT_EQ(daemon.wait(60s), 0) << testing::read_text(dir / "err");
}

}  // namespace
}  // namespace synwatch
