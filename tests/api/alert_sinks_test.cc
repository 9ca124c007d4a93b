// The slow alert sinks: the outbox in front of each never makes the detection thread
// wait and counts what it could not take; the alerts file survives a rotation without
// losing a line; syslog messages follow RFC 5424 and reach a collector over UDP and
// TCP, and a collector that is away costs a bounded wait and one warning.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <regex>

#include "control/sinks/alert_log_file.h"
#include "control/sinks/alert_outbox.h"
#include "control/sinks/syslog_message.h"
#include "control/sinks/syslog_sender.h"
#include "tests/support/subprocess.h"

namespace synwatch::sinks {
namespace {

namespace fs = std::filesystem;

detect::Alert alert_numbered(int n) {
  detect::Alert a;
  a.id = "alert-" + std::to_string(n);
  a.detector = "syn_flood";
  a.severity = detect::Severity::kCritical;
  a.score = 81.25;
  a.perspective = session::Perspective::kInbound;
  wire::IpAddress::parse("203.0.113.7", a.source);
  wire::IpAddress::parse("198.51.100.20", a.target);
  a.port = 443;
  a.start_ms = 1795257750000;
  a.end_ms = 1795257759051;
  a.count = 1200;
  a.baseline = 12.5;
  a.summary = "198.51.100.20:443 flooded with 1200 SYNs";
  a.evidence = "{}";
  return a;
}

// A destination that records what it got, and can be held inside a delivery.
class HeldDestination : public AlertDestination {
 public:
  bool deliver(const detect::Alert& alert) override {
    std::unique_lock lock(mutex_);
    entered_ = true;
    changed_.notify_all();
    changed_.wait(lock, [&] { return !held_; });
    ids_.push_back(alert.id + (reopened_ ? " (after reopen)" : ""));
    return !failing_;
  }
  void reopen() override {
    std::lock_guard lock(mutex_);
    reopened_ = true;
  }
  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    std::lock_guard lock(mutex_);
    held_ = false;
    changed_.notify_all();
  }
  void wait_entered() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return entered_; });
  }
  void fail_from_now() {
    std::lock_guard lock(mutex_);
    failing_ = true;
  }
  std::vector<std::string> ids() {
    std::lock_guard lock(mutex_);
    return ids_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool held_ = false, entered_ = false, reopened_ = false, failing_ = false;
  std::vector<std::string> ids_;
};

TEST(AlertOutbox, AStalledSinkFillsItsQueueThenDropsTheNewestAndCountsThem) {
  auto destination = std::make_unique<HeldDestination>();
  HeldDestination& held = *destination;
  held.hold();
  AlertOutbox outbox("file", std::move(destination), 16);
  outbox.on_alert(alert_numbered(0));
  held.wait_entered();  // the outbox thread is now stuck inside the destination
  for (int i = 1; i <= 20; ++i) outbox.on_alert(alert_numbered(i));  // returns at once, every time
  OutboxCounts c = outbox.counts();
  EXPECT_EQ(c.queued, 16u);
  EXPECT_EQ(c.dropped_queue_full, 4u);
  EXPECT_EQ(c.delivered, 0u);
  held.release();
  outbox.close();  // delivers everything the queue took
  c = outbox.counts();
  EXPECT_EQ(c.delivered, 17u);
  EXPECT_EQ(c.queued, 0u);
  EXPECT_EQ(c.failed, 0u);
  const std::vector<std::string> ids = held.ids();
  ASSERT_EQ(ids.size(), 17u);
  for (int i = 0; i <= 16; ++i) EXPECT_EQ(ids[i], "alert-" + std::to_string(i));  // in order, oldest kept
  outbox.on_alert(alert_numbered(99));  // after close: counted, never delivered
  EXPECT_EQ(outbox.counts().dropped_queue_full, 5u);
}

TEST(AlertOutbox, FailedDeliveriesAreCountedAndReopenComesBeforeTheNextDelivery) {
  auto destination = std::make_unique<HeldDestination>();
  HeldDestination& held = *destination;
  held.hold();
  AlertOutbox outbox("syslog", std::move(destination), 64);
  outbox.on_alert(alert_numbered(1));
  held.wait_entered();
  outbox.request_reopen();
  outbox.on_alert(alert_numbered(2));
  held.fail_from_now();
  held.release();
  outbox.close();
  const OutboxCounts c = outbox.counts();
  EXPECT_EQ(c.delivered, 0u);
  EXPECT_EQ(c.failed, 2u);
  EXPECT_EQ(held.ids(), (std::vector<std::string>{"alert-1", "alert-2 (after reopen)"}));
}

std::vector<std::string> lines_of(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// logrotate's way: rename the file, then SIGHUP (here: reopen). Lines written before
// are in the rotated file, lines after in a new one at the configured path.
TEST(AlertLogFile, ARotatedFileIsReopenedByPathWithoutLosingALine) {
  const fs::path dir = testing::scratch_dir("alert-log-rotate");
  AlertLogFile file(stderr);
  std::string error;
  ASSERT_TRUE(file.open(dir / "alerts.jsonl", error)) << error;
  ASSERT_TRUE(file.deliver(alert_numbered(1)));
  ASSERT_TRUE(file.deliver(alert_numbered(2)));
  fs::rename(dir / "alerts.jsonl", dir / "alerts.jsonl.1");
  ASSERT_TRUE(file.deliver(alert_numbered(3)));  // still the old file until the reopen
  file.reopen();
  ASSERT_TRUE(file.deliver(alert_numbered(4)));
  file.flush();
  const auto rotated = lines_of(dir / "alerts.jsonl.1");
  const auto current = lines_of(dir / "alerts.jsonl");
  ASSERT_EQ(rotated.size(), 3u);
  ASSERT_EQ(current.size(), 1u);
  EXPECT_NE(rotated[2].find("\"id\":\"alert-3\""), std::string::npos) << rotated[2];
  EXPECT_NE(current[0].find("\"id\":\"alert-4\""), std::string::npos) << current[0];
  // Appending: opening the path again keeps what is there.
  AlertLogFile again(stderr);
  ASSERT_TRUE(again.open(dir / "alerts.jsonl", error)) << error;
  ASSERT_TRUE(again.deliver(alert_numbered(5)));
  again.flush();
  EXPECT_EQ(lines_of(dir / "alerts.jsonl").size(), 2u);
}

TEST(AlertLogFile, AReopenThatFailsKeepsWritingToTheOldFileAndWarnsOnce) {
  const fs::path dir = testing::scratch_dir("alert-log-reopen-fails");
  fs::create_directories(dir / "gone");
  const fs::path warnings_path = dir / "warnings";
  std::FILE* warnings = std::fopen(warnings_path.c_str(), "w");
  ASSERT_NE(warnings, nullptr);
  {
    AlertLogFile file(warnings);
    std::string error;
    ASSERT_TRUE(file.open(dir / "gone" / "alerts.jsonl", error)) << error;
    ASSERT_TRUE(file.deliver(alert_numbered(1)));
    fs::rename(dir / "gone" / "alerts.jsonl", dir / "kept.jsonl");
    fs::remove(dir / "gone");  // the path cannot be opened again
    file.reopen();
    file.reopen();
    ASSERT_TRUE(file.deliver(alert_numbered(2)));
    file.flush();
  }
  std::fclose(warnings);
  EXPECT_EQ(lines_of(dir / "kept.jsonl").size(), 2u);
  const auto warned = lines_of(warnings_path);
  ASSERT_EQ(warned.size(), 1u);
  EXPECT_NE(warned[0].find("cannot write '" + (dir / "gone" / "alerts.jsonl").string() + "'"), std::string::npos)
      << warned[0];
  EXPECT_NE(warned[0].find("still writing to the old file"), std::string::npos) << warned[0];
}

// RFC 5424 section 6, with the structured data this sink sends.
const std::regex kRfc5424(
    R"re(<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) ([!-~]{1,255}) ([!-~]{1,48}) ([!-~]{1,128}) )re"
    R"re(([!-~]{1,32}) \[synwatch@32473((?: [a-z_]{1,32}="(?:[^"\\\]]|\\["\\\]])*")+)\] ([ -~]*))re");

TEST(SyslogMessage, FollowsRfc5424) {
  SyslogIdentity who{16, "fw1.example.net", "synwatch", 4242};
  std::string m = syslog_message(alert_numbered(7), who, 1795257759051);
  std::smatch parts;
  ASSERT_TRUE(std::regex_match(m, parts, kRfc5424)) << m;
  EXPECT_EQ(parts[1], "130");  // local0 (16) * 8 + critical (2)
  EXPECT_EQ(parts[2], "2026-11-21T10:42:39.051Z");
  EXPECT_EQ(parts[3], "fw1.example.net");
  EXPECT_EQ(parts[5], "4242");
  EXPECT_EQ(parts[6], "syn_flood");
  EXPECT_EQ(parts[7],
            " id=\"alert-7\" status=\"open\" severity=\"critical\" score=\"81.25\" perspective=\"inbound\""
            " source=\"203.0.113.7\" target=\"198.51.100.20\" port=\"443\" count=\"1200\" baseline=\"12.50\""
            " start_ms=\"1795257750000\" end_ms=\"1795257759051\"");
  EXPECT_EQ(parts[8], "198.51.100.20:443 flooded with 1200 SYNs");

  // Escapes inside parameter values; NILVALUEs; no control characters in MSG; absent
  // fields left out.
  detect::Alert odd = alert_numbered(8);
  odd.id = R"(a"b\c]d)";
  odd.summary = "two\nlines\tand a tab";
  odd.source = {};
  odd.port = 0;
  odd.status = detect::AlertStatus::kResolved;
  m = syslog_message(odd, SyslogIdentity{4, "", "synwatch", 0}, 0);
  ASSERT_TRUE(std::regex_match(m, parts, kRfc5424)) << m;
  EXPECT_EQ(parts[1], "38");  // auth (4) * 8 + informational (6): resolved
  EXPECT_EQ(parts[3], "-");
  EXPECT_EQ(parts[5], "-");
  EXPECT_NE(parts[7].str().find(R"( id="a\"b\\c\]d")"), std::string::npos) << parts[7];
  EXPECT_EQ(parts[7].str().find("source="), std::string::npos);
  EXPECT_EQ(parts[7].str().find("port="), std::string::npos);
  EXPECT_EQ(parts[8], "two lines and a tab");
}

TEST(SyslogMessage, SeverityFollowsTheAlertsAndResolvedIsInformational) {
  detect::Alert a = alert_numbered(1);
  const std::pair<detect::Severity, uint32_t> expected[] = {{detect::Severity::kCritical, 2},
                                                            {detect::Severity::kMajor, 3},
                                                            {detect::Severity::kMinor, 4},
                                                            {detect::Severity::kWarning, 5}};
  for (const auto& [severity, code] : expected) {
    a.severity = severity;
    a.status = detect::AlertStatus::kUpdate;
    EXPECT_EQ(syslog_severity(a), code);
    a.status = detect::AlertStatus::kResolved;
    EXPECT_EQ(syslog_severity(a), 6u);
  }
}

// A loopback socket of the test's, on a port the kernel picks.
struct Collector {
  int fd = -1;
  uint16_t port = 0;
  explicit Collector(int type) {
    fd = ::socket(AF_INET, type, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    if (type == SOCK_STREAM) {
      EXPECT_EQ(::listen(fd, 4), 0);
    }
    timeval t{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &t, sizeof t);
  }
  ~Collector() { ::close(fd); }
  std::string address() const { return "127.0.0.1:" + std::to_string(port); }
};

daemon::SyslogConfig syslog_to(const std::string& address, daemon::SyslogConfig::Transport transport) {
  daemon::SyslogConfig c;
  c.address = address;
  c.transport = transport;
  c.hostname = "fw1";
  return c;
}

TEST(SyslogSender, SendsOneDatagramPerEventOverUdp) {
  Collector collector(SOCK_DGRAM);
  SyslogSender sender(syslog_to(collector.address(), daemon::SyslogConfig::Transport::kUdp), stderr);
  std::string error;
  ASSERT_TRUE(sender.open(error)) << error;
  ASSERT_TRUE(sender.deliver(alert_numbered(1)));
  ASSERT_TRUE(sender.deliver(alert_numbered(2)));
  for (int i = 1; i <= 2; ++i) {
    char buffer[4096];
    const ssize_t n = ::recv(collector.fd, buffer, sizeof buffer, 0);
    ASSERT_GT(n, 0);
    const std::string m(buffer, static_cast<size_t>(n));
    EXPECT_TRUE(std::regex_match(m, kRfc5424)) << m;
    EXPECT_NE(m.find("id=\"alert-" + std::to_string(i) + "\""), std::string::npos) << m;
  }
}

TEST(SyslogSender, FramesEachMessageWithItsLengthOverTcp) {
  Collector collector(SOCK_STREAM);
  SyslogSender sender(syslog_to(collector.address(), daemon::SyslogConfig::Transport::kTcp), stderr);
  std::string error;
  ASSERT_TRUE(sender.open(error)) << error;
  ASSERT_TRUE(sender.deliver(alert_numbered(1)));
  ASSERT_TRUE(sender.deliver(alert_numbered(2)));
  const int connection = ::accept(collector.fd, nullptr, nullptr);
  ASSERT_GE(connection, 0);
  std::string stream;
  char buffer[4096];
  auto messages = [&] {
    size_t n = 0;
    for (size_t at = 0; (at = stream.find("[synwatch@32473", at)) != std::string::npos; ++at) ++n;
    return n;
  };
  while (messages() < 2) {
    const ssize_t n = ::recv(connection, buffer, sizeof buffer, 0);
    ASSERT_GT(n, 0) << "the second message never came: " << stream;
    stream.append(buffer, static_cast<size_t>(n));
  }
  ::close(connection);
  // RFC 6587 octet counting: MSG-LEN SP SYSLOG-MSG, back to back.
  size_t at = 0;
  for (int i = 1; i <= 2; ++i) {
    const size_t space = stream.find(' ', at);
    ASSERT_NE(space, std::string::npos) << stream;
    const size_t length = std::stoul(stream.substr(at, space - at));
    ASSERT_LE(space + 1 + length, stream.size()) << stream;
    const std::string m = stream.substr(space + 1, length);
    EXPECT_TRUE(std::regex_match(m, kRfc5424)) << m;
    EXPECT_NE(m.find("id=\"alert-" + std::to_string(i) + "\""), std::string::npos) << m;
    at = space + 1 + length;
  }
  EXPECT_EQ(at, stream.size());
}

TEST(SyslogSender, ACollectorThatIsAwayFailsFastWithOneWarning) {
  uint16_t closed_port;
  {
    Collector gone(SOCK_STREAM);  // a port that was just free, and is closed again
    closed_port = gone.port;
  }
  const fs::path dir = testing::scratch_dir("syslog-away");
  std::FILE* warnings = std::fopen((dir / "warnings").c_str(), "w");
  ASSERT_NE(warnings, nullptr);
  {
    SyslogSender sender(syslog_to("127.0.0.1:" + std::to_string(closed_port), daemon::SyslogConfig::Transport::kTcp),
                        warnings);
    std::string error;
    ASSERT_TRUE(sender.open(error)) << error;
    for (int i = 0; i < 100; ++i) EXPECT_FALSE(sender.deliver(alert_numbered(i)));
  }
  std::fclose(warnings);
  const auto warned = lines_of(dir / "warnings");
  ASSERT_EQ(warned.size(), 1u);
  EXPECT_NE(warned[0].find("syslog collector 127.0.0.1:" + std::to_string(closed_port) + ": Connection refused"),
            std::string::npos)
      << warned[0];
}

TEST(SyslogSender, AnAddressThatDoesNotResolveNamesTheSetting) {
  SyslogSender sender(syslog_to("no-such-host.invalid:514", daemon::SyslogConfig::Transport::kUdp), stderr);
  std::string error;
  EXPECT_FALSE(sender.open(error));
  EXPECT_EQ(error.rfind("output.syslog.address: cannot resolve 'no-such-host.invalid': ", 0), 0u) << error;
}

}  // namespace
}  // namespace synwatch::sinks
