// synwatchd's kernel-socket input: export datagrams sent over loopback arrive, are
// steered to one worker per exporter address, and a SIGTERM decides and writes every
// session still open (exit 0). A real exporter (softflowd reading a capture) exporting
// live gives every session the offline replay of its own export finds.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "dataplane/socket/udp_sockets.h"
#include "tests/support/capture_datagrams.h"
#include "tests/support/interface_exports.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_data.h"
#include "tests/support/udp_daemon.h"

namespace synwatch {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::send_capture;
using testing::test_port;
using testing::UdpDaemon;

std::vector<std::string> replay_sessions(const fs::path& capture) {
  return testing::replay_cli_sessions(SYNWATCH_REPLAY_BINARY, capture);
}

// The session lines with start_ms and end_ms cut out, sorted again.
std::vector<std::string> without_times(std::vector<std::string> lines) {
  static const std::regex times(R"("start_ms":\d+,"end_ms":\d+,)");
  for (auto& line : lines) line = std::regex_replace(line, times, "");
  std::sort(lines.begin(), lines.end());
  return lines;
}

// NetFlow v5, v9 and IPFIX sent live: the sessions of the offline replay, every one of
// them written at SIGTERM (some are still open when the last datagram arrives).
TEST(UdpInput, ShutdownDecidesAndWritesEverySession) {
  for (const char* name : {"exports-softflowd-v5.pcap", "exports-softflowd-v9.pcap",
                           "exports-pmacct-ipfix.pcap"}) {
    SCOPED_TRACE(name);
    const auto capture = testing::bundled_captures_dir() / "mixed" / name;
    UdpDaemon daemon(test_port(0), 2);
    send_capture(capture, test_port(0));
    std::this_thread::sleep_for(300ms);
    ASSERT_EQ(daemon.stop(), 0) << daemon.summary();
    EXPECT_EQ(daemon.sessions(), replay_sessions(capture)) << daemon.summary();
    EXPECT_NE(daemon.summary().find("decided_flush"), std::string::npos)
        << "some sessions must have been open at shutdown: " << daemon.summary();
    EXPECT_NE(daemon.summary().find("dropped or lost: none"), std::string::npos) << daemon.summary();
  }
}

// Each thread carries a name of its own, so that top -H, ps -L and perf report --sort comm
// tell the workers, the session writer and detection apart.
TEST(UdpInput, ThreadsAreNamedForTopAndPerf) {
  UdpDaemon daemon(test_port(0), 2);
  const std::vector<std::string> expected{"sw-worker-0", "sw-worker-1", "sw-writer", "sw-detect"};
  const auto names_now = [&] {
    std::set<std::string> names;
    for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(daemon.pid()) + "/task")) {
      std::string name = testing::read_text(task.path() / "comm");
      while (!name.empty() && name.back() == '\n') name.pop_back();
      names.insert(name);
    }
    return names;
  };
  // The daemon says it is receiving once its sockets are open; its threads start and
  // name themselves a moment later.
  std::set<std::string> names = names_now();
  const auto all_named = [&] {
    return std::all_of(expected.begin(), expected.end(), [&](const std::string& n) { return names.count(n) == 1; });
  };
  for (int i = 0; i < 100 && !all_named(); ++i) {
    std::this_thread::sleep_for(50ms);
    names = names_now();
  }
  for (const auto& name : expected) EXPECT_TRUE(names.count(name)) << name << " is not among the daemon's threads";
  EXPECT_EQ(daemon.stop(), 0) << daemon.summary();
}

// Datagrams still queued in the socket when the stop comes are decoded, not dropped: the
// daemon is frozen (SIGSTOP) while a whole capture is sent, stopped while frozen, then
// let go, so every datagram is still in the kernel's queue when it sees the SIGTERM.
TEST(UdpInput, DatagramsQueuedAtShutdownAreStillDecoded) {
  // 514 datagrams: many receive batches, more than one wake-up takes.
  const auto capture = testing::bundled_captures_dir() / "attacks" / "exports-pmacct-v9.pcap";
  UdpDaemon daemon(test_port(0), 1);
  daemon.signal(SIGSTOP);
  send_capture(capture, test_port(0));
  daemon.signal(SIGTERM);  // held until the daemon runs again
  daemon.signal(SIGCONT);
  ASSERT_EQ(daemon.stop(), 0) << daemon.summary();
  EXPECT_EQ(daemon.sessions(), replay_sessions(capture)) << daemon.summary();
  EXPECT_NE(daemon.summary().find("dropped or lost: none"), std::string::npos) << daemon.summary();
}

// What the kernel drops with a socket's buffer full is counted, every datagram of it:
// the daemon is frozen while a capture many times its 64 KiB buffer is sent, so each
// datagram is either received or dropped, and the two counts add up to what was sent.
TEST(UdpInput, DatagramsTheKernelDroppedAreCounted) {
  const auto capture = testing::bundled_captures_dir() / "attacks" / "exports-pmacct-v9.pcap";
  const auto datagrams = testing::read_datagrams(capture);
  const auto config = testing::scratch_dir("udp-kernel-drops") / "synwatch.yaml";
  std::ofstream(config) << "dataplane: {udp_receive_buffer_kb: 64}\n";
  UdpDaemon daemon(test_port(4), 1, {"--config", config.string()});
  daemon.signal(SIGSTOP);
  testing::send_datagrams(datagrams, test_port(4));
  daemon.signal(SIGTERM);  // held until the daemon runs again
  daemon.signal(SIGCONT);
  ASSERT_EQ(daemon.stop(), 0) << daemon.summary();
  uint64_t received = 0;  // the worker row: "  0  frames  datagrams ..."
  std::istringstream(daemon.summary().substr(daemon.summary().find("\n  0 ") + 5)) >> received;
  const uint64_t dropped = testing::summary_count(daemon.summary(), "socket_buffer_overflow");
  EXPECT_GT(dropped, 0u) << daemon.summary();
  EXPECT_GT(received, 0u) << daemon.summary();
  EXPECT_EQ(received + dropped, datagrams.size()) << daemon.summary();
}

// An IPv6 exporter reaches the dual-stack socket; its sessions name it by its address.
TEST(UdpInput, Ipv6ExporterArrives) {
  {
    const int fd = ::socket(AF_INET6, SOCK_DGRAM, 0);
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    const bool ipv6 = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    if (fd >= 0) ::close(fd);
    if (!ipv6) GTEST_SKIP() << "IPv6 loopback (::1) is not available on this host: IPv6 input not tried";
  }
  const auto capture = testing::bundled_captures_dir() / "mixed" / "exports-softflowd-ipfix.pcap";
  UdpDaemon daemon(test_port(3), 2);
  send_capture(capture, test_port(3), "::1");
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(daemon.stop(), 0) << daemon.summary();
  auto expected = replay_sessions(capture);
  ASSERT_FALSE(expected.empty());
  // The replayed capture came from 127.0.0.1; here the exporter is ::1.
  for (auto& line : expected) {
    const size_t at = line.find("\"exporters\":[\"127.0.0.1\"]");
    ASSERT_NE(at, std::string::npos) << line;
    line.replace(at, 25, "\"exporters\":[\"::1\"]");
  }
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(daemon.sessions(), expected) << daemon.summary();
  EXPECT_NE(daemon.summary().find("  ::1 "), std::string::npos) << daemon.summary();
}

// Six exporters, two workers: each exporter's datagrams all reach the one worker the
// steering program picks for its address, so no template is ever missing.
TEST(UdpInput, SteersEachExporterToOneWorker) {
  const auto capture = testing::bundled_captures_dir() / "mixed" / "exports-softflowd-v9.pcap";
  UdpDaemon daemon(test_port(1), 2);
  const char* exporters[] = {"127.0.0.11", "127.0.0.12", "127.0.0.13",
                             "127.0.0.14", "127.0.0.15", "127.0.0.16"};
  for (const char* e : exporters) send_capture(capture, test_port(1), e);
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(daemon.stop(), 0);
  const std::string summary = daemon.summary();
  std::vector<uint32_t> used;
  for (const char* e : exporters) {
    uint8_t address[4];
    inet_pton(AF_INET, e, address);
    const uint32_t worker = socket_input::steering_worker(address, 4, 2);
    used.push_back(worker);
    // "  127.0.0.11    6    143    0    0    1": one row, on the predicted worker.
    const size_t row = summary.find(std::string("  ") + e + " ");
    ASSERT_NE(row, std::string::npos) << e << "\n" << summary;
    EXPECT_EQ(summary.find(std::string("  ") + e + " ", row + 1), std::string::npos) << e;
    const std::string line = summary.substr(row, summary.find('\n', row) - row);
    EXPECT_EQ(line.back(), static_cast<char>('0' + worker)) << line;
  }
  EXPECT_TRUE(std::count(used.begin(), used.end(), 0u) > 0 && std::count(used.begin(), used.end(), 1u) > 0)
      << "the six exporters should spread over both workers";
  EXPECT_EQ(summary.find("template_missing"), std::string::npos) << summary;
}

// softflowd, exactly as tests/captures/generate.sh ran it for the bundled capture, now
// exporting live to synwatchd: the daemon's sessions are those of replaying the export
// capture softflowd made then.
TEST(UdpInput, LiveSoftflowdExportArrivesWhole) {
  const std::string softflowd = testing::find_program("softflowd");
  if (softflowd.empty()) GTEST_SKIP() << "softflowd is not installed (deploy/install-deps.sh installs it)";
  const auto mixed = testing::bundled_captures_dir() / "mixed";
  const uint16_t port = test_port(2);
  UdpDaemon daemon(port, 2);
  const auto dir = testing::scratch_dir("softflowd");
  const auto r = testing::run_program(
      {softflowd, "-d", "-r", mixed / "traffic.pcap", "-n", "127.0.0.1:" + std::to_string(port),
       "-v", "9", "-6", "-a", "-m", "65536", "-t", "maxlife=30", "-p", dir / "softflowd.pid",
       // No control socket: softflowd 1.1.0 reading a file may block in accept() on it
       // (it tests poll results it never asked for), depending on its stack contents.
       "-c", "none"},
      60s);
  ASSERT_EQ(r.status, 0) << r.err;
  std::this_thread::sleep_for(500ms);
  ASSERT_EQ(daemon.stop(), 0) << daemon.summary();
  // softflowd computes flow times from its own run's clock (sysUpTime at start), so they
  // move by a few milliseconds from run to run; everything else must be identical.
  const auto expected = without_times(replay_sessions(mixed / "exports-softflowd-v9.pcap"));
  const auto got = without_times(daemon.sessions());
  EXPECT_EQ(got.size(), 60u);
  EXPECT_EQ(got, expected) << daemon.summary();
}


// --- Prometheus /metrics while the daemon runs ---------------------------------------

// The body of an HTTP/1.0 GET of `path` on 127.0.0.1:`port`; "" when it fails.
std::string http_get(uint16_t port, const std::string& path) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return {};
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(port);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
      char buffer[65536];
      for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) response.append(buffer, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? std::string() : response.substr(body + 4);
}

// `text` as a URL query value.
std::string url_encoded(const std::string& text) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char hex[4];
      std::snprintf(hex, sizeof hex, "%%%02X", c);
      out += hex;
    }
  }
  return out;
}

// The sum over every series of `name` in a Prometheus text exposition, and how many there were.
std::pair<double, int> series_sum(const std::string& text, const std::string& name) {
  double sum = 0;
  int series = 0;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(name + "{", 0) != 0 && line.rfind(name + " ", 0) != 0) continue;
    sum += std::stod(line.substr(line.rfind(' ') + 1));
    ++series;
  }
  return {sum, series};
}

// The port a daemon started with --metrics-listen 127.0.0.1:0 said it listens on; 0 if none.
uint16_t metrics_port(const UdpDaemon& daemon) {
  std::smatch where;
  const std::string started = daemon.summary();
  if (!std::regex_search(started, where, std::regex(R"(metrics on http://127\.0\.0\.1:(\d+)/metrics)"))) return 0;
  return static_cast<uint16_t>(std::stoi(where[1]));
}

// Scraped while the daemon runs: records and datagrams per worker equal what the exit
// summary counts, every counter layer is there, and promtool finds the exposition clean.
TEST(Metrics, ScrapeWhileRunningCountsWhatTheDaemonReceived) {
  const auto capture = testing::bundled_captures_dir() / "mixed" / "exports-softflowd-v9.pcap";
  UdpDaemon daemon(test_port(5), 2, {"--metrics-listen", "127.0.0.1:0"});
  const uint16_t port = metrics_port(daemon);
  ASSERT_NE(port, 0) << daemon.summary();
  send_capture(capture, test_port(5));
  std::this_thread::sleep_for(500ms);  // workers publish every 100 ms
  const std::string metrics = http_get(port, "/metrics");
  ASSERT_EQ(daemon.stop(), 0) << daemon.summary();

  const auto [records, record_series] = series_sum(metrics, "synwatch_records_total");
  EXPECT_EQ(record_series, 2) << metrics;
  std::smatch all;
  const std::string summary = daemon.summary();
  ASSERT_TRUE(std::regex_search(summary, all, std::regex(R"(\n  all +\d+ +(\d+) +(\d+) )"))) << summary;
  EXPECT_EQ(records, std::stod(all[2])) << metrics;
  EXPECT_EQ(series_sum(metrics, "synwatch_datagrams_total").first, std::stod(all[1])) << metrics;
  EXPECT_GT(records, 0);
  for (const char* layer : {"input", "packet", "decode", "session", "pipeline", "detect"})
    EXPECT_NE(metrics.find(std::string("layer=\"") + layer + "\""), std::string::npos) << layer;
  EXPECT_NE(metrics.find("synwatch_events_total{worker=\"0\",layer=\"session\",event=\"sessions_created\"}"),
            std::string::npos)
      << metrics;
  // Per exporter: the one exporter, on the worker its address is steered to, with all
  // the datagrams and records, and the templates it announced.
  const auto [exporter_datagrams, exporter_series] = series_sum(metrics, "synwatch_exporter_datagrams_total");
  EXPECT_EQ(exporter_series, 1) << metrics;
  EXPECT_EQ(exporter_datagrams, std::stod(all[1])) << metrics;
  EXPECT_EQ(series_sum(metrics, "synwatch_exporter_records_total").first, records) << metrics;
  EXPECT_TRUE(std::regex_search(metrics, std::regex(R"(synwatch_exporter_templates\{worker="\d",exporter="127\.0\.0\.1"\} [1-9])")))
      << metrics;
  EXPECT_TRUE(std::regex_search(
      metrics, std::regex(R"(synwatch_exporter_sampling_rate\{worker="\d",exporter="127\.0\.0\.1",version="v9",domain="\d+"\} 1\n)")))
      << metrics;

  const fs::path dir = testing::scratch_dir("metrics");
  {
    std::ofstream(dir / "metrics.txt") << metrics;
  }
  if (std::system("command -v promtool >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "promtool (Debian package prometheus) is not installed: exposition format not checked";
  const auto check = testing::run_program({"/bin/sh", "-c", "promtool check metrics < " + (dir / "metrics.txt").string()});
  EXPECT_EQ(check.status, 0) << check.out << check.err;
  EXPECT_EQ(check.out + check.err, "") << "promtool found problems";
}

// Signature matches per rule: as many as the records the offline replay labels with
// that rule's label (the two rules never match the same record).
// The interfaces exporters named, by the role the rules gave them.
TEST(Metrics, InterfacesByRole) {
  const fs::path config = testing::scratch_dir("metrics-interfaces") / "synwatch.yaml";
  std::ofstream(config) << testing::kInterfaceRuleYaml;
  UdpDaemon daemon(test_port(7), 1, {"--config", config.string(), "--metrics-listen", "127.0.0.1:0"});
  const uint16_t port = metrics_port(daemon);
  ASSERT_NE(port, 0) << daemon.summary();
  std::vector<testing::CapturedDatagram> datagrams;
  for (auto& payload : testing::interface_role_exports()) datagrams.push_back({{}, std::move(payload)});
  send_datagrams(datagrams, test_port(7));
  std::string metrics;
  for (int i = 0; i < 50; ++i) {  // the worker publishes its stats every tick
    std::this_thread::sleep_for(100ms);
    metrics = http_get(port, "/metrics");
    if (series_sum(metrics, "synwatch_interfaces{worker=\"0\",role=\"external\"}").first > 0) break;
  }
  ASSERT_EQ(daemon.stop(), 0) << daemon.summary();
  EXPECT_EQ(series_sum(metrics, "synwatch_interfaces{worker=\"0\",role=\"external\"}").first, 2) << metrics;
  EXPECT_EQ(series_sum(metrics, "synwatch_interfaces{worker=\"0\",role=\"internal\"}").first, 1) << metrics;
  EXPECT_EQ(series_sum(metrics, "synwatch_interfaces{worker=\"0\",role=\"unknown\"}").first, 0) << metrics;
  EXPECT_EQ(series_sum(metrics, "synwatch_signature_matches_total{rule=\"transit-or-peering\",label=\"external\"}").first, 2)
      << metrics;
}

TEST(Metrics, SignatureMatchesPerRule) {
  const auto capture = testing::bundled_captures_dir() / "attacks" / "exports-pmacct-sflow.pcap";
  const fs::path config = testing::scratch_dir("metrics-signatures") / "synwatch.yaml";
  std::ofstream(config) << "signatures:\n  rules:\n"
                        << "    - {id: ssh, expression: '^SSH-2\\.0-', target: payload, label: ssh-m}\n"
                        << "    - {id: http, expression: '^(GET /|HTTP/1\\.)', target: payload, label: http-m}\n";
  std::map<std::string, double> expected;
  const auto records = testing::run_program(
      {SYNWATCH_REPLAY_BINARY, "--emit", "records", "-q", "--config", config.string(), capture.string()});
  ASSERT_EQ(records.status, 0) << records.err;
  for (const auto& line : testing::sorted_lines(records.out)) {
    const auto j = nlohmann::json::parse(line);
    if (j.contains("label")) ++expected[j["label"].get<std::string>()];
  }
  ASSERT_GT(expected["ssh-m"], 0);
  ASSERT_GT(expected["http-m"], 0);

  UdpDaemon daemon(test_port(6), 2, {"--config", config.string(), "--metrics-listen", "127.0.0.1:0"});
  const uint16_t port = metrics_port(daemon);
  ASSERT_NE(port, 0) << daemon.summary();
  send_capture(capture, test_port(6));
  std::this_thread::sleep_for(500ms);
  const std::string metrics = http_get(port, "/metrics");
  ASSERT_EQ(daemon.stop(), 0) << daemon.summary();
  EXPECT_NE(daemon.summary().find("dropped or lost: none"), std::string::npos) << daemon.summary();
  EXPECT_EQ(series_sum(metrics, "synwatch_signature_matches_total{rule=\"ssh\",label=\"ssh-m\"}").first,
            expected["ssh-m"])
      << metrics;
  EXPECT_EQ(series_sum(metrics, "synwatch_signature_matches_total{rule=\"http\",label=\"http-m\"}").first,
            expected["http-m"])
      << metrics;
  EXPECT_EQ(series_sum(metrics, "synwatch_signature_matches_total").second, 2) << metrics;
}

// A real Prometheus server (Debian package prometheus) with the project's rules scrapes
// the running daemon; PromQL gives the failed-session count the daemon serves, and
// every query of the Grafana dashboard in deploy/prometheus runs and names only series
// the daemon serves.
TEST(Metrics, PrometheusScrapesTheFailedSessionCount) {
  if (std::system("command -v prometheus >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "prometheus (Debian package prometheus) is not installed: no real scrape tried";
  const auto capture = testing::bundled_captures_dir() / "mixed" / "exports-softflowd-v9.pcap";
  const fs::path dir = testing::scratch_dir("prometheus");
  UdpDaemon daemon(test_port(7), 1, {"--metrics-listen", "127.0.0.1:0", "--alerts-out", (dir / "alerts.jsonl").string()});
  const uint16_t port = metrics_port(daemon);
  ASSERT_NE(port, 0) << daemon.summary();
  const std::string target = "127.0.0.1:" + std::to_string(port);
  send_capture(capture, test_port(7));

  const auto rules = testing::source_dir() / "deploy" / "prometheus" / "synwatch.rules.yml";
  {
    std::ofstream config(dir / "prometheus.yml");
    config << "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
           << "rule_files: [\"" << rules.string() << "\"]\n"
           << "scrape_configs:\n  - job_name: synwatch\n    static_configs: [{targets: [\"" << target << "\"]}]\n";
  }
  const uint16_t web = static_cast<uint16_t>(test_port(7) + 1);
  // Through the shell, which finds it on PATH and then becomes it (exec).
  testing::Subprocess prometheus({"/bin/sh", "-c",
                                  "exec prometheus --config.file=" + (dir / "prometheus.yml").string() +
                                      " --storage.tsdb.path=" + (dir / "data").string() +
                                      " --web.listen-address=127.0.0.1:" + std::to_string(web)},
                                 dir / "out", dir / "err");
  // Until Prometheus has scraped a value equal to what the daemon serves now (sessions
  // may still be decided by their timers meanwhile), at most 30 s.
  std::string answer;
  double served = -1, queried = -2;
  const std::regex value(R"re("value":\[[0-9.]+,"([0-9.e+]+)"\])re");
  for (const auto deadline = std::chrono::steady_clock::now() + 30s;
       std::chrono::steady_clock::now() < deadline && served != queried;) {
    std::this_thread::sleep_for(500ms);
    answer = http_get(web, "/api/v1/query?query=sum(synwatch_failed_sessions_total)");
    std::smatch m;
    if (!std::regex_search(answer, m, value)) continue;
    queried = std::stod(m[1]);
    served = series_sum(http_get(port, "/metrics"), "synwatch_failed_sessions_total").first;
  }
  EXPECT_EQ(queried, served) << answer << testing::read_text(dir / "err");
  EXPECT_GT(queried, 0) << answer;

  const std::string exposition = http_get(port, "/metrics");
  std::ifstream dashboard_file(testing::source_dir() / "deploy" / "prometheus" / "grafana-dashboard.json");
  const nlohmann::json dashboard = nlohmann::json::parse(dashboard_file);
  int queries = 0;
  for (const auto& panel : dashboard.at("panels")) {
    if (!panel.contains("targets")) continue;
    for (const auto& query : panel.at("targets")) {
      std::string expr = query.at("expr");
      SCOPED_TRACE(panel.at("title").get<std::string>() + ": " + expr);
      const std::regex series(R"(synwatch_[a-z_]+)");
      for (auto it = std::sregex_iterator(expr.begin(), expr.end(), series); it != std::sregex_iterator(); ++it)
        EXPECT_NE(exposition.find("# TYPE " + it->str() + " "), std::string::npos) << "not served: " << it->str();
      for (const auto& [variable, replacement] :
           {std::pair<std::string, std::string>{"$instance", ".*"}, {"$__rate_interval", "1m"}, {"$__range", "5m"}})
        for (size_t at; (at = expr.find(variable)) != std::string::npos;) expr.replace(at, variable.size(), replacement);
      const std::string result = http_get(web, "/api/v1/query?query=" + url_encoded(expr));
      EXPECT_NE(result.find("\"status\":\"success\""), std::string::npos) << result;
      ++queries;
    }
  }
  EXPECT_GE(queries, 15);
  ASSERT_EQ(daemon.stop(), 0) << daemon.summary();
}

// deploy/prometheus: the scrape configuration and its alerting rules, as promtool reads them.
TEST(Metrics, DeployedPrometheusConfigurationIsValid) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "promtool (Debian package prometheus) is not installed: deploy/prometheus not checked";
  const auto config = testing::source_dir() / "deploy" / "prometheus" / "prometheus.yml";
  const auto r = testing::run_program({"/bin/sh", "-c", "promtool check config " + config.string() + " 2>&1"});
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("SUCCESS: 9 rules found"), std::string::npos) << r.out;
}

// An address the operator named and the daemon cannot listen on stops it at start-up.
TEST(Metrics, AnAddressInUseStopsTheDaemon) {
  const int holder = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(holder, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(holder, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(holder, 1), 0);
  socklen_t length = sizeof a;
  ASSERT_EQ(::getsockname(holder, reinterpret_cast<sockaddr*>(&a), &length), 0);
  const std::string address = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  const auto r = testing::run_program({SYNWATCHD_BINARY, "--udp", "--udp-port", std::to_string(test_port(6)),
                                       "--metrics-listen", address, "--duration", "5"});
  ::close(holder);
  EXPECT_EQ(r.status, 2) << r.err;
  EXPECT_NE(r.err.find("synwatchd: metrics.listen: cannot listen on " + address), std::string::npos) << r.err;
}

}  // namespace
}  // namespace synwatch
