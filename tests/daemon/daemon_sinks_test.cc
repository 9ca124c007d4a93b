// synwatchd's alert sinks against real peers: rsyslog (Debian package) receives every
// alert of the bundled attack capture as an RFC 5424 message, over UDP and over TCP,
// and parses each one into the fields it was sent with; logrotate (Debian package)
// rotates the sessions and alerts files of a live daemon, its postrotate SIGHUP makes
// the daemon reopen them, and not a line is lost or written twice.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <fstream>
#include <regex>
#include <set>
#include <thread>

#include "tests/support/capture_datagrams.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_data.h"
#include "tests/support/udp_daemon.h"

namespace synwatch {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string find_program(const std::vector<std::string>& places) {
  for (const auto& p : places)
    if (fs::exists(p)) return p;
  return {};
}

fs::path attack_capture() { return testing::bundled_captures_dir() / "attacks" / "exports-softflowd-v9.pcap"; }

// The alert lines synwatch-replay writes for `capture`, in order.
std::vector<std::string> replay_alerts(const fs::path& capture) {
  const auto r = testing::run_program({SYNWATCH_REPLAY_BINARY, "--emit", "alerts", "-q", capture});
  EXPECT_EQ(r.status, 0) << r.err;
  std::vector<std::string> lines;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<std::string> lines_of(const fs::path& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// "detector|id|status" of an alert JSON line, the identity a syslog message must carry.
std::string identity_of_json(const std::string& line) {
  static const std::regex fields(R"re("id":"([^"]+)","detector":"([^"]+)".*"status":"([a-z]+)")re");
  std::smatch m;
  EXPECT_TRUE(std::regex_search(line, m, fields)) << line;
  return m[2].str() + "|" + m[1].str() + "|" + m[3].str();
}

// rsyslogd in the foreground, listening on loopback UDP and TCP, writing each message
// it parsed as its RFC 5424 fields separated by '|'.
class Rsyslog {
 public:
  Rsyslog(const std::string& program, const fs::path& dir, uint16_t udp_port, uint16_t tcp_port)
      : out_(dir / "received") {
    std::ofstream(dir / "rsyslog.conf")
        << "global(workDirectory=\"" << dir.string() << "\")\n"
        << "module(load=\"imudp\")\nmodule(load=\"imtcp\")\n"
        << "input(type=\"imudp\" address=\"127.0.0.1\" port=\"" << udp_port << "\")\n"
        << "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" << tcp_port << "\")\n"
        << "template(name=\"fields\" type=\"list\") {\n"
        << "  property(name=\"syslogfacility-text\") constant(value=\"|\")\n"
        << "  property(name=\"syslogseverity-text\") constant(value=\"|\")\n"
        << "  property(name=\"protocol-version\") constant(value=\"|\")\n"
        << "  property(name=\"hostname\") constant(value=\"|\")\n"
        << "  property(name=\"app-name\") constant(value=\"|\")\n"
        << "  property(name=\"msgid\") constant(value=\"|\")\n"
        << "  property(name=\"structured-data\") constant(value=\"|\")\n"
        << "  property(name=\"msg\" droplastlf=\"on\") constant(value=\"\\n\")\n"
        << "}\n"
        << "action(type=\"omfile\" file=\"" << out_.string() << "\" template=\"fields\" flushOnTXEnd=\"on\""
        << " asyncWriting=\"off\")\n";
    process_ = std::make_unique<testing::Subprocess>(
        std::vector<std::string>{program, "-n", "-f", (dir / "rsyslog.conf").string(), "-i",
                                 (dir / "rsyslog.pid").string()},
        dir / "rsyslog.out", dir / "rsyslog.err");
  }
  ~Rsyslog() {
    process_->signal(SIGTERM);
    process_->wait(10s);
  }
  // The parsed messages so far.
  std::vector<std::string> received() const { return lines_of(out_); }
  // Waits until `count` messages arrived (or 20 s passed).
  std::vector<std::string> wait_for(size_t count) const {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    std::vector<std::string> got;
    while ((got = received()).size() < count && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(50ms);
    return got;
  }

 private:
  fs::path out_;
  std::unique_ptr<testing::Subprocess> process_;
};

TEST(SyslogSink, RsyslogParsesEveryAlertOverUdpAndTcp) {
  const std::string rsyslogd = find_program({"/usr/sbin/rsyslogd", "/sbin/rsyslogd"});
  if (rsyslogd.empty()) GTEST_SKIP() << "rsyslogd (Debian package rsyslog) is not installed: syslog sink not tried";
  const std::vector<std::string> expected_lines = replay_alerts(attack_capture());
  ASSERT_GE(expected_lines.size(), 10u);
  std::multiset<std::string> expected;
  for (const auto& line : expected_lines) expected.insert(identity_of_json(line));

  const fs::path dir = testing::scratch_dir("syslog-rsyslog");
  const uint16_t udp = testing::test_port(1), tcp = testing::test_port(2);
  Rsyslog collector(rsyslogd, dir, udp, tcp);
  size_t already = 0;
  for (const char* transport : {"udp", "tcp"}) {
    SCOPED_TRACE(transport);
    const uint16_t port = std::string(transport) == "udp" ? udp : tcp;
    std::ofstream(dir / "synwatch.yaml") << "output:\n  sessions: \"\"\n  syslog: {address: \"127.0.0.1:" << port
                                         << "\", transport: " << transport
                                         << ", facility: local3, hostname: fw1.example.net}\n"
                                         << "dataplane: {no_huge: true}\n";
    // rsyslog says nothing when it is ready: a datagram sent before it binds is lost,
    // and a TCP delivery before it listens is refused. Wait for its sockets.
    ASSERT_TRUE(testing::wait_until_bound(port, std::string(transport) == "tcp"))
        << "rsyslogd did not bind 127.0.0.1:" << port << ": " << testing::read_text(dir / "rsyslog.err");
    const auto r = testing::run_program({SYNWATCHD_BINARY, "--config", (dir / "synwatch.yaml").string(), "--pcap",
                                         attack_capture().string(), "--metrics-listen", "", "--api-listen", "",
                                         "-q"},
                                        120s);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(r.err.find("not delivered"), std::string::npos) << r.err;
    const std::vector<std::string> got = collector.wait_for(already + expected_lines.size());
    ASSERT_EQ(got.size(), already + expected_lines.size())
        << r.err << "\nrsyslogd: " << testing::read_text(dir / "rsyslog.err");

    static const std::regex parsed(
        R"re(local3\|(crit|err|warning|notice|info)\|1\|fw1\.example\.net\|synwatch\|([a-z_]+)\|)re"
        R"re(\[synwatch@32473 id="([0-9a-f]+)" status="([a-z]+)" severity="([a-z]+)" [^\]]*\]\|(.+))re");
    std::multiset<std::string> identities;
    for (size_t i = already; i < got.size(); ++i) {
      std::smatch m;
      ASSERT_TRUE(std::regex_match(got[i], m, parsed)) << got[i];
      identities.insert(m[2].str() + "|" + m[3].str() + "|" + m[4].str());
      const std::string level = m[1], severity = m[5], status = m[4];
      const std::string want = status == "resolved"    ? "info"
                               : severity == "critical" ? "crit"
                               : severity == "major"    ? "err"
                               : severity == "minor"    ? "warning"
                                                        : "notice";
      EXPECT_EQ(level, want) << got[i];
    }
    EXPECT_EQ(identities, expected);
    already = got.size();
  }
}

// Sends the capture's first `split` datagrams, lets logrotate rotate both files (its
// postrotate sends SIGHUP), sends the rest, stops the daemon: the rotated file and the
// new one together hold exactly what a run without rotation writes.
TEST(OutputFiles, LogrotateWithSighupLosesAndRepeatsNoLine) {
  const std::string logrotate = find_program({"/usr/sbin/logrotate", "/sbin/logrotate"});
  if (logrotate.empty()) GTEST_SKIP() << "logrotate (Debian package logrotate) is not installed: rotation not tried";
  const auto datagrams = testing::read_datagrams(attack_capture());
  ASSERT_GT(datagrams.size(), 20u);
  const size_t split = datagrams.size() / 2;

  const fs::path dir = testing::scratch_dir("logrotate"), alerts = dir / "alerts.jsonl";
  testing::UdpDaemon daemon(testing::test_port(3), 2,
                            {"--metrics-listen", "", "--api-listen", "", "--alerts-out", alerts.string()});
  const fs::path sessions = daemon.dir() / "sessions.jsonl";
  testing::send_datagrams({datagrams.begin(), datagrams.begin() + static_cast<ptrdiff_t>(split)},
                          testing::test_port(3));
  // The daemon flushes the sessions file every second: wait for the first half's lines.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (lines_of(sessions).empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  ASSERT_FALSE(lines_of(sessions).empty()) << daemon.summary();

  std::ofstream(dir / "logrotate.conf") << sessions.string() << " " << alerts.string() << " {\n"
                                        << "  rotate 3\n  missingok\n  nocompress\n  sharedscripts\n"
                                        << "  postrotate\n    kill -HUP " << daemon.pid() << "\n  endscript\n}\n";
  const auto rotated = testing::run_program(
      {logrotate, "-f", "-s", (dir / "logrotate.state").string(), (dir / "logrotate.conf").string()}, 30s);
  ASSERT_EQ(rotated.status, 0) << rotated.out << rotated.err;
  ASSERT_TRUE(fs::exists(daemon.dir() / "sessions.jsonl.1"));

  testing::send_datagrams({datagrams.begin() + static_cast<ptrdiff_t>(split), datagrams.end()},
                          testing::test_port(3));
  std::this_thread::sleep_for(300ms);
  ASSERT_EQ(daemon.stop(), 0) << daemon.summary();

  const auto before = lines_of(daemon.dir() / "sessions.jsonl.1"), after = lines_of(sessions);
  EXPECT_FALSE(before.empty());
  EXPECT_FALSE(after.empty()) << "nothing was written to the reopened file: " << daemon.summary();
  std::vector<std::string> all = before;
  all.insert(all.end(), after.begin(), after.end());
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, testing::replay_cli_sessions(SYNWATCH_REPLAY_BINARY, attack_capture())) << daemon.summary();

  std::vector<std::string> all_alerts = lines_of(dir / "alerts.jsonl.1");
  const auto alerts_after = lines_of(alerts);
  all_alerts.insert(all_alerts.end(), alerts_after.begin(), alerts_after.end());
  EXPECT_EQ(all_alerts, replay_alerts(attack_capture())) << daemon.summary();
}

}  // namespace
}  // namespace synwatch
