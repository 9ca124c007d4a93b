// The API end to end: synwatchd receives a bundled attack capture over UDP while
// synwatchctl and a real python3-grpcio client are subscribed to its alerts. Every
// alert event the daemon writes to its alert log reaches both subscribers, and
// synwatchctl's status and exporters agree with what the daemon counted.
#include <gtest/gtest.h>

#include <regex>

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
  testing::UdpDaemon daemon(testing::test_port(6), 2,
                            {"--api-listen", api, "--alerts-out", (dir / "alerts.jsonl").string(),
                             "--metrics-listen", ""});
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

}  // namespace
}  // namespace synwatch
