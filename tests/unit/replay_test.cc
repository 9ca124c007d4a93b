// synwatch-replay: reads pcapng as well as pcap (here a Linux cooked v2 capture), refuses
// what is not a capture with one line and exit status 2, names the bad option, and
// writes JSON lines with every field of the record contract.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "dataplane/replay/replay.h"
#include "tests/support/export_builder.h"
#include "tests/support/test_data.h"

namespace synwatch {
namespace {

namespace fs = std::filesystem;
using testing::Bytes;

// Little-endian writer for the pcapng blocks.
struct LittleEndian {
  std::vector<uint8_t> data;
  LittleEndian& u16(uint32_t v) { return put(v, 2); }
  LittleEndian& u32(uint32_t v) { return put(v, 4); }
  LittleEndian& put(uint64_t v, size_t n) {
    for (size_t i = 0; i < n; ++i) data.push_back(static_cast<uint8_t>(v >> (8 * i)));
    return *this;
  }
};

fs::path write_pcapng(const fs::path& path, uint16_t linktype, const std::vector<uint8_t>& frame) {
  LittleEndian b;
  b.u32(0x0a0d0d0a).u32(28).u32(0x1a2b3c4d).u16(1).u16(0).u32(0xffffffff).u32(0xffffffff).u32(28);
  b.u32(1).u32(20).u16(linktype).u16(0).u32(65535).u32(20);  // interface description
  const size_t padded = (frame.size() + 3) / 4 * 4;
  const auto total = static_cast<uint32_t>(32 + padded);
  const uint64_t micros = 1700000000123456ULL;  // default resolution: microseconds
  b.u32(6).u32(total).u32(0).u32(static_cast<uint32_t>(micros >> 32))
      .u32(static_cast<uint32_t>(micros)).u32(static_cast<uint32_t>(frame.size()))
      .u32(static_cast<uint32_t>(frame.size()));
  b.data.insert(b.data.end(), frame.begin(), frame.end());
  b.data.resize(b.data.size() + padded - frame.size(), 0);
  b.u32(total);
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data.data()), static_cast<std::streamsize>(b.data.size()));
  return path;
}

class Records : public decode::RecordSink {
 public:
  void on_record(const decode::FlowRecord& r) override { records.push_back(r); }
  std::vector<decode::FlowRecord> records;
};

struct Run {
  int status;
  std::string output;
};

Run run_replay(const std::string& args) {
  const std::string cmd = std::string(SYNWATCH_REPLAY_BINARY) + " " + args + " 2>&1";
  Run r{};
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  while (p != nullptr && fgets(buf, sizeof buf, p) != nullptr) r.output += buf;
  const int raw = p == nullptr ? -1 : pclose(p);
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return r;
}

fs::path temp_path(const std::string& name) {
  return fs::temp_directory_path() / ("synwatch-replay-test-" + std::to_string(getpid()) + "-" + name);
}

TEST(Replay, ReadsPcapngWithLinuxCookedV2) {
  testing::V5Packet p;
  p.flow({}).flow({});
  auto udp = testing::udp_frame("192.0.2.1", "192.0.2.2", 1000, 2055, p.build());
  std::vector<uint8_t> sll2 = Bytes().u16(0x0800).zeros(18).data;  // protocol, then 18 bytes
  sll2.insert(sll2.end(), udp.begin() + 14, udp.end());
  const auto path = write_pcapng(temp_path("sll2.pcapng"), 276, sll2);
  replay::Replay replay{decode::DecoderConfig{}};
  Records sink;
  std::string error;
  ASSERT_TRUE(replay.run_file(path.string(), sink, error)) << error;
  ASSERT_EQ(sink.records.size(), 2u);
  EXPECT_EQ(sink.records[0].exporter.to_string(), "192.0.2.1");
  EXPECT_EQ(replay.stats().frames, 1u);
  fs::remove(path);
}

TEST(Replay, RefusesWhatIsNotACapture) {
  replay::Replay replay{decode::DecoderConfig{}};
  Records sink;
  std::string error;
  EXPECT_FALSE(replay.run_file((testing::source_dir() / "README.md").string(), sink, error));
  EXPECT_FALSE(error.empty());
  error.clear();
  EXPECT_FALSE(replay.run_file("/nonexistent/capture.pcap", sink, error));
  EXPECT_FALSE(error.empty());
}

TEST(ReplayCli, UnreadableFileIsOneLineAndStatus2) {
  const auto r = run_replay("-q " + (testing::source_dir() / "README.md").string());
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  EXPECT_EQ(r.output.rfind("synwatch-replay: cannot read '", 0), 0u) << r.output;
}

TEST(ReplayCli, BadOptionsNameTheOptionAndTheReason) {
  const struct {
    const char* args;
    const char* message;
  } cases[] = {
      {"--template-timeout abc x.pcap", "--template-timeout: 'abc' is not a number of seconds"},
      {"--sampling 10.0.0.1=0 x.pcap", "--sampling: rate in '10.0.0.1=0' must be a whole number >= 1"},
      {"--sampling nonsense x.pcap", "--sampling: expected ADDR=N"},
      {"--emit nonsense x.pcap", "--emit: unknown kind 'nonsense' (expected: records, sessions, alerts)"},
      {"--emit sessions --shards 0 x.pcap", "--shards: '0' is not a number from 1 to 64"},
      {"--emit sessions --internal 10.0.0.0/33 x.pcap", "--internal: '10.0.0.0/33': prefix length must be 0..32"},
      {"--summary x.pcap", "--summary: needs --emit sessions"},
      {"--config /nonexistent.yaml x.pcap", "--config: /nonexistent.yaml: cannot read"},
      {"--bogus x.pcap", "--bogus: unknown option"},
      {"", "no capture file given"},
      {"--output", "--output: missing value"},
  };
  for (const auto& c : cases) {
    const auto r = run_replay(c.args);
    EXPECT_EQ(r.status, 2) << c.args;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << c.args << " said: " << r.output;
  }
}

TEST(ReplayCli, WritesTheRecordContract) {
  const auto captures = testing::export_captures_in(testing::bundled_captures_dir());
  ASSERT_FALSE(captures.empty());
  const auto out = temp_path("records.jsonl");
  std::string args = "-q -o " + out.string();
  for (const auto& c : captures) args += " " + c.string();
  const auto r = run_replay(args);
  ASSERT_EQ(r.status, 0) << r.output;
  std::ifstream in(out);
  std::string line;
  size_t lines = 0;
  const char* fields[] = {"exporter", "domain", "version", "src", "dst", "sport", "dport",
                          "proto", "tcp_flags", "packets", "bytes", "start_ms", "end_ms",
                          "sampling", "in_if", "out_if"};
  while (std::getline(in, line)) {
    const auto j = nlohmann::json::parse(line);
    for (const char* f : fields) ASSERT_TRUE(j.contains(f)) << f << " missing in " << line;
    ++lines;
  }
  EXPECT_GT(lines, 1000u);
  fs::remove(out);
}

TEST(ReplayCli, CounterReferenceInDocsIsCurrent) {
  const auto r = run_replay("--list-counters");
  ASSERT_EQ(r.status, 0);
  std::ifstream doc(testing::source_dir() / "docs" / "counters.md");
  std::ostringstream contents;
  contents << doc.rdbuf();
  const std::string text = contents.str();
  size_t listed = 0;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line); ++listed) {
    const size_t first_tab = line.find('\t');
    const std::string name = line.substr(first_tab + 1, line.find('\t', first_tab + 1) - first_tab - 1);
    EXPECT_NE(text.find("`" + name + "`"), std::string::npos)
        << name << " is missing from docs/counters.md: run docs/generate-counters.sh";
  }
  EXPECT_GT(listed, 50u);
}

}  // namespace
}  // namespace synwatch
