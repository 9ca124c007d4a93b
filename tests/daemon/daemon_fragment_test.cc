// Export packets that arrive as IP fragments (large templates and data sets over a
// 1500-byte path, IPv4 and IPv6) are reassembled by the DPDK input: the sessions are
// those of the same packets unfragmented, and every reassembly is counted. A flood of
// fragments that never complete keeps the reassembly table at its bound: every flood
// fragment is dropped and counted, memory does not grow with the flood, and the good
// exports around it (whole during the flood, fragmented before and after) all count.
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

#include "tests/support/capture_datagrams.h"
#include "tests/support/export_builder.h"
#include "tests/support/pcap_writer.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_data.h"
#include "tests/support/udp_daemon.h"

namespace synwatch {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Frame = std::vector<uint8_t>;

constexpr size_t kEthernet = 14;

// Splits the IP payload of an Ethernet + IPv4/IPv6 frame into fragments carrying at most
// `chunk` bytes (a multiple of 8) each.
std::vector<Frame> fragment(const Frame& frame, size_t chunk, uint32_t id) {
  const bool v6 = frame[12] == 0x86 && frame[13] == 0xdd;
  const size_t header = v6 ? 40 : 20;
  const Frame l2_l3(frame.begin(), frame.begin() + static_cast<long>(kEthernet + header));
  const Frame payload(frame.begin() + static_cast<long>(kEthernet + header), frame.end());
  std::vector<Frame> out;
  for (size_t offset = 0; offset < payload.size(); offset += chunk) {
    const size_t n = std::min(chunk, payload.size() - offset);
    const bool more = offset + n < payload.size();
    Frame f = l2_l3;
    if (v6) {
      f[kEthernet + 6] = 44;  // next header: Fragment
      const auto length = static_cast<uint16_t>(8 + n);
      f[kEthernet + 4] = static_cast<uint8_t>(length >> 8);
      f[kEthernet + 5] = static_cast<uint8_t>(length);
      const auto off = static_cast<uint16_t>((offset / 8) << 3 | (more ? 1 : 0));
      const uint8_t fragment_header[8] = {17, 0, static_cast<uint8_t>(off >> 8), static_cast<uint8_t>(off),
                                          static_cast<uint8_t>(id >> 24), static_cast<uint8_t>(id >> 16),
                                          static_cast<uint8_t>(id >> 8), static_cast<uint8_t>(id)};
      f.insert(f.end(), fragment_header, fragment_header + 8);
    } else {
      const auto total = static_cast<uint16_t>(20 + n);
      f[kEthernet + 2] = static_cast<uint8_t>(total >> 8);
      f[kEthernet + 3] = static_cast<uint8_t>(total);
      f[kEthernet + 4] = static_cast<uint8_t>(id >> 8);
      f[kEthernet + 5] = static_cast<uint8_t>(id);
      const auto flags = static_cast<uint16_t>((more ? 0x2000 : 0) | offset / 8);
      f[kEthernet + 6] = static_cast<uint8_t>(flags >> 8);
      f[kEthernet + 7] = static_cast<uint8_t>(flags);
    }
    f.insert(f.end(), payload.begin() + static_cast<long>(offset),
             payload.begin() + static_cast<long>(offset + n));
    out.push_back(std::move(f));
  }
  return out;
}


void expect_reassembled(const char* exporter, const char* collector) {
  const auto dir = testing::scratch_dir(std::string("fragments-") + (exporter[0] == '2' ? "v6" : "v4"));
  const auto datagrams =
      testing::read_datagrams(testing::bundled_captures_dir() / "mixed" / "exports-softflowd-v9.pcap");
  ASSERT_FALSE(datagrams.empty());
  size_t fragmented = 0;
  {
    testing::PcapWriter whole(dir / "whole.pcap"), pieces(dir / "fragments.pcap");
    uint32_t id = 100;
    for (const auto& d : datagrams) {
      const Frame frame = testing::udp_frame(exporter, collector, 2055, 2055, d.payload);
      whole.write(frame, d.ctx.receive_ms);
      if (d.payload.size() < 600) {
        pieces.write(frame, d.ctx.receive_ms);
        continue;
      }
      auto parts = fragment(frame, 256, ++id);
      // Every other datagram's fragments arrive last first, as they may after ECMP.
      if (fragmented % 2 == 1) std::reverse(parts.begin(), parts.end());
      for (const auto& p : parts) pieces.write(p, d.ctx.receive_ms);
      ++fragmented;
    }
  }
  ASSERT_GT(fragmented, 0u);
  const auto daemon = testing::run_program({SYNWATCHD_BINARY, "--pcap", dir / "fragments.pcap",
                                            "--workers", "2", "--sessions-out", dir / "s.jsonl"},
                                           120s);
  ASSERT_EQ(daemon.status, 0) << daemon.err;
  const auto expected = testing::replay_cli_sessions(SYNWATCH_REPLAY_BINARY, dir / "whole.pcap");
  EXPECT_FALSE(expected.empty());
  EXPECT_EQ(testing::sorted_lines(testing::read_text(dir / "s.jsonl")), expected) << daemon.err;
  EXPECT_EQ(testing::summary_count(daemon.err, "fragments_reassembled"), fragmented) << daemon.err;
  EXPECT_NE(daemon.err.find("dropped or lost: none"), std::string::npos) << daemon.err;
}

// The capture of a fragment flood: a third of the good exports fragmented, then the
// flood (`flood` datagrams from spoofed sources, each sent as 6 of its 7 fragments)
// interleaved with the next third sent whole, then the last third fragmented again
// once the flood's entries are past reassembly_timeout_ms (capture time). `whole.pcap`
// gets the good exports alone, at the same times.
struct FloodCapture {
  size_t good_fragmented = 0;  // good datagrams sent as fragments
  uint64_t flood_fragments = 0;
};

FloodCapture write_flood(const fs::path& dir, size_t flood) {
  const auto datagrams =
      testing::read_datagrams(testing::bundled_captures_dir() / "mixed" / "exports-softflowd-v9.pcap");
  const char* exporter = "192.0.2.7";
  const char* collector = "192.0.2.99";
  FloodCapture made;
  testing::PcapWriter whole(dir / "whole.pcap"), attack(dir / "attack.pcap");
  const size_t third = datagrams.size() / 3;
  uint32_t id = 100;
  int64_t latest_ms = 0, shift_ms = 0;
  const std::vector<uint8_t> junk(400, 0x5a);
  for (size_t i = 0; i < datagrams.size(); ++i) {
    const auto& d = datagrams[i];
    const bool during = i >= third && i < 2 * third;
    if (i == 2 * third) shift_ms = std::max<int64_t>(0, latest_ms + 3000 - d.ctx.receive_ms);
    const int64_t at_ms = d.ctx.receive_ms + shift_ms;
    latest_ms = std::max(latest_ms, at_ms);
    if (during) {
      const size_t share = flood / third + (i - third < flood % third ? 1 : 0);
      for (size_t k = 0; k < share; ++k) {
        const uint32_t n = static_cast<uint32_t>(made.flood_fragments / 6);
        const std::string spoofed = "198.18." + std::to_string(n >> 8 & 0xff) + "." + std::to_string(n & 0xff);
        auto parts = fragment(testing::udp_frame(spoofed, collector, static_cast<uint16_t>(1024 + n % 60000), 2055, junk),
                              64, n * 7 + 1);
        parts.pop_back();  // the last fragment never comes
        for (const auto& p : parts) attack.write(p, at_ms);
        made.flood_fragments += parts.size();
      }
    }
    const Frame frame = testing::udp_frame(exporter, collector, 2055, 2055, d.payload);
    whole.write(frame, at_ms);
    if (during || d.payload.size() < 600) {
      attack.write(frame, at_ms);
      continue;
    }
    for (const auto& p : fragment(frame, 256, ++id)) attack.write(p, at_ms);
    ++made.good_fragmented;
  }
  return made;
}

TEST(DaemonFragments, AFloodOfFragmentsThatNeverCompleteIsBoundedCountedAndSparesGoodExports) {
  struct Run {
    FloodCapture made;
    testing::RunResult daemon;
  };
  std::vector<Run> runs;
  std::vector<std::string> expected;
  for (size_t flood : {20'000u, 80'000u}) {
    SCOPED_TRACE(flood);
    const auto dir = testing::scratch_dir("fragment-flood-" + std::to_string(flood));
    Run run;
    run.made = write_flood(dir, flood);
    ASSERT_EQ(run.made.flood_fragments, flood * 6);
    ASSERT_GT(run.made.good_fragmented, 0u);
    // One worker's table of 1024 datagrams (the default) meets 20 and 80 times as many.
    run.daemon = testing::run_program({SYNWATCHD_BINARY, "--pcap", dir / "attack.pcap", "--workers", "2",
                                       "--sessions-out", dir / "s.jsonl", "--metrics-listen", "",
                                       "--api-listen", ""},
                                      300s);
    const std::string& summary = run.daemon.err;
    ASSERT_EQ(run.daemon.status, 0) << summary;
    expected = testing::replay_cli_sessions(SYNWATCH_REPLAY_BINARY, dir / "whole.pcap");
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(testing::sorted_lines(testing::read_text(dir / "s.jsonl")), expected) << summary;
    EXPECT_EQ(testing::summary_count(summary, "fragments_reassembled"), run.made.good_fragmented) << summary;
    EXPECT_EQ(testing::summary_count(summary, "fragment_dropped"), run.made.flood_fragments) << summary;
    // The flood's held fragments come out of their own share of the pool: the NIC
    // always had mbufs to receive into.
    EXPECT_EQ(testing::summary_count(summary, "nic_no_mbuf"), 0u) << summary;
    EXPECT_EQ(testing::summary_count(summary, "nic_missed"), 0u) << summary;
    runs.push_back(std::move(run));
    if (!HasFailure()) fs::remove_all(dir);  // the larger capture is 55 MB
  }
  // Four times the flood, the same memory: the table's bound holds, nothing grows.
  const long small = runs[0].daemon.peak_rss_kb, large = runs[1].daemon.peak_rss_kb;
  ASSERT_GT(small, 0);
  EXPECT_LT(large - small, 8 * 1024) << "peak RSS " << small << " KiB with the smaller flood, " << large
                                     << " KiB with the larger";
}

TEST(DaemonFragments, Ipv4ExportPacketsAreReassembled) { expect_reassembled("192.0.2.7", "192.0.2.99"); }

TEST(DaemonFragments, Ipv6ExportPacketsAreReassembled) {
  expect_reassembled("2001:db8::7", "2001:db8::99");
}

}  // namespace
}  // namespace synwatch
