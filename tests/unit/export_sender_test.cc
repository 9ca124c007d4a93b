// The peer benchmark's sender (perf/export_sender.cc): every datagram of the capture
// arrives, in order, looped, each capture exporter from an address of its own, so that
// the collectors under test see as many exporters as the capture holds. Beside it, the
// harness's kernel floor (perf/udp_sink.cc) and its table (perf/peers/report.py).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "tests/support/capture_datagrams.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_ports.h"

namespace synwatch::testing {
namespace {

struct Received {
  uint32_t source;  // host order
  std::vector<uint8_t> payload;
};

class LoopbackSocket {
 public:
  LoopbackSocket() {
    fd_ = socket(AF_INET, SOCK_DGRAM, 0);
    int big = 8 << 20;
    setsockopt(fd_, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
  }
  ~LoopbackSocket() { close(fd_); }
  uint16_t port() const { return port_; }

  // Everything queued, waiting up to half a second for more.
  std::vector<Received> drain() {
    std::vector<Received> out;
    std::vector<uint8_t> buf(65536);
    pollfd p{fd_, POLLIN, 0};
    while (poll(&p, 1, 500) == 1) {
      sockaddr_in from{};
      socklen_t len = sizeof from;
      const ssize_t n = recvfrom(fd_, buf.data(), buf.size(), 0, reinterpret_cast<sockaddr*>(&from), &len);
      if (n < 0) break;
      out.push_back({ntohl(from.sin_addr.s_addr), {buf.begin(), buf.begin() + n}});
    }
    return out;
  }

 private:
  int fd_;
  uint16_t port_ = 0;
};

std::filesystem::path make_capture(const std::string& name, const std::vector<std::string>& args) {
  const auto path = scratch_dir("export_sender") / name;
  std::vector<std::string> argv = {SYNWATCH_MAKE_EXPORTS_BINARY, "-o", path.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  const RunResult r = run_program(argv);
  EXPECT_EQ(r.status, 0) << r.err;
  return path;
}

TEST(ExportSender, EveryDatagramArrivesInOrderLoopedFromOneAddressPerExporter) {
  // 5 exporters, 100 packets of 30 records.
  const auto capture = make_capture("v5.pcap", {"--format", "v5", "--records", "3000", "--exporters", "5"});
  const auto datagrams = read_datagrams(capture);
  ASSERT_EQ(datagrams.size(), 100u);

  LoopbackSocket socket;
  const RunResult r = run_program({SYNWATCH_SEND_EXPORTS_BINARY, "--pcap", capture.string(), "--to",
                                   "127.0.0.1:" + std::to_string(socket.port()), "--rate", "0",
                                   "--packets", "150"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("sent 150 datagrams"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("from 5 exporters"), std::string::npos) << r.out;

  const auto received = socket.drain();
  ASSERT_EQ(received.size(), 150u);
  std::map<std::string, uint32_t> source_of_exporter;  // capture exporter -> sent from
  std::set<uint32_t> sources;
  for (size_t i = 0; i < received.size(); ++i) {
    const auto& sent = datagrams[i % datagrams.size()];
    ASSERT_EQ(received[i].payload, sent.payload) << "datagram " << i;
    const auto [it, added] = source_of_exporter.emplace(sent.ctx.exporter.to_string(), received[i].source);
    EXPECT_EQ(it->second, received[i].source) << "exporter " << it->first << " changed address";
    sources.insert(received[i].source);
  }
  EXPECT_EQ(sources, (std::set<uint32_t>{0x7f010001, 0x7f010002, 0x7f010003, 0x7f010004, 0x7f010005}));
}

TEST(ExportSender, KeepsTheRateItIsGiven) {
  const auto capture = make_capture("v9.pcap", {"--format", "v9", "--records", "480", "--exporters", "2"});
  LoopbackSocket socket;
  // 40 datagrams at 200/s: 0.2 s by the schedule.
  const auto start = std::chrono::steady_clock::now();
  const RunResult r = run_program({SYNWATCH_SEND_EXPORTS_BINARY, "--pcap", capture.string(), "--to",
                                   "127.0.0.1:" + std::to_string(socket.port()), "--rate", "200",
                                   "--packets", "40"});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_GE(took, std::chrono::milliseconds(190));
  EXPECT_EQ(socket.drain().size(), 40u);
}

TEST(ExportSender, BadArgumentsAreNamed) {
  const auto capture = make_capture("v5.pcap", {"--format", "v5", "--records", "30", "--exporters", "1"});
  const struct {
    std::vector<std::string> args;
    std::string says;
  } cases[] = {
      {{"--pcap", capture.string(), "--to", "localhost", "--packets", "1"}, "--to: 'localhost'"},
      {{"--pcap", capture.string(), "--to", "127.0.0.1:70000", "--packets", "1"}, "--to: '127.0.0.1:70000'"},
      {{"--pcap", capture.string(), "--to", "127.0.0.1:9"}, "--packets: missing"},
      {{"--pcap", "/nonexistent.pcap", "--to", "127.0.0.1:9", "--packets", "1"}, "/nonexistent.pcap: "},
      {{"--pcap", capture.string(), "--to", "127.0.0.1:9", "--packets", "1", "--fast"}, "--fast: unknown option"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv = {SYNWATCH_SEND_EXPORTS_BINARY};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    const RunResult r = run_program(argv);
    EXPECT_EQ(r.status, 2) << c.says;
    EXPECT_NE(r.err.find("synwatch-send-exports: " + c.says), std::string::npos) << r.err;
  }
}

// The kernel floor (perf/udp_sink.cc) counts every datagram it was sent and says so
// when stopped.
TEST(UdpSink, CountsEveryDatagramUntilStopped) {
  const auto capture = make_capture("v9.pcap", {"--format", "v9", "--records", "480", "--exporters", "2"});
  const uint16_t port = test_port(0);
  const auto dir = scratch_dir("udp_sink");
  Subprocess sink({SYNWATCH_UDP_SINK_BINARY, "--listen", "127.0.0.1:" + std::to_string(port)}, dir / "out",
                  dir / "err");
  ASSERT_TRUE(wait_until_bound(port, false)) << read_text(dir / "err");
  const RunResult sent = run_program({SYNWATCH_SEND_EXPORTS_BINARY, "--pcap", capture.string(), "--to",
                                      "127.0.0.1:" + std::to_string(port), "--rate", "0", "--packets", "300"});
  ASSERT_EQ(sent.status, 0) << sent.err;
  std::this_thread::sleep_for(200ms);  // loopback delivers at once; the sink takes a nap
  sink.signal(SIGINT);
  ASSERT_EQ(sink.wait(5s), 0) << read_text(dir / "err");
  const std::string out = read_text(dir / "out");
  EXPECT_EQ(out.substr(0, out.find(" bytes")), "datagrams 300") << out;

  const RunResult bad = run_program({SYNWATCH_UDP_SINK_BINARY, "--listen", "localhost"});
  EXPECT_EQ(bad.status, 2);
  EXPECT_NE(bad.err.find("synwatch-udp-sink: --listen: 'localhost' is not an IPv4 ADDRESS:PORT"),
            std::string::npos) << bad.err;
}

// The peer table (perf/peers/report.py): a step run REPEATS times is one row, loss-free
// only if every run was, at the median of its runs' records per CPU-second.
TEST(PeerReport, RepeatedStepsFoldIntoTheirMedianAndAnyLossCounts) {
  const auto dir = scratch_dir("peer_report");
  std::FILE* f = std::fopen((dir / "steps.tsv").c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("format\tcollector\trate\tachieved\tsent\taccepted\tlost\trcvbuf_errors\tcpu_s\tper_cpu_s\n", f);
  const char* rows[] = {
      // synwatchd: one run at 1 M/s; three at 2 M/s, 3 M their median.
      "v9\tsynwatchd\t1000000\t1000000\t3000000\t3000000\t0\t0\t1.00\t2500000",
      "v9\tsynwatchd\t2000000\t2000000\t6000000\t6000000\t0\t0\t2.00\t9000000",
      "v9\tsynwatchd\t2000000\t2000000\t6000000\t6000000\t0\t0\t2.00\t3000000",
      "v9\tsynwatchd\t2000000\t2000000\t6000000\t6000000\t0\t0\t2.00\t2000000",
      // The peer: loss-free at 1 M/s (median 1.5 M), and one lost run of three at 2 M/s.
      "v9\tnfcapd\t1000000\t1000000\t3000000\t3000000\t0\t0\t1.00\t1000000",
      "v9\tnfcapd\t1000000\t1000000\t3000000\t3000000\t0\t0\t1.00\t1500000",
      "v9\tnfcapd\t1000000\t1000000\t3000000\t3000000\t0\t0\t1.00\t9000000",
      "v9\tnfcapd\t2000000\t2000000\t6000000\t6000000\t0\t0\t1.00\t6000000",
      "v9\tnfcapd\t2000000\t2000000\t6000000\t5999000\t1000\t0\t1.00\t5999000",
  };
  for (const char* r : rows) std::fprintf(f, "%s\n", r);
  std::fclose(f);

  const std::string python = find_program("python3");
  ASSERT_FALSE(python.empty()) << "python3 runs the peer harness's report";
  const RunResult r = run_program({python, SYNWATCH_SOURCE_DIR "/perf/peers/report.py", (dir / "steps.tsv").string()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("| v9 | synwatchd | 2.00 M/s | 3.00 M |"), std::string::npos) << r.out;
  // Compared at 1 M/s, the highest rate both took without loss in every run.
  EXPECT_NE(r.out.find("| v9 | nfcapd | 1.00 M/s | 1.50 M | 1.00 M/s | 1.50 M | 2.50 M | **1.67x** |"),
            std::string::npos) << r.out;
}

}  // namespace
}  // namespace synwatch::testing
