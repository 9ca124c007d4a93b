// Frames of every wrong size, through the DPDK input (net_pcap), around good exports:
// runts shorter than an Ethernet header, IP headers cut short, IP and UDP lengths that
// claim more than arrived, and 70 KB frames of noise that net_pcap chains over 35
// mbufs. Each is dropped under its own counter, memory does not grow with their number,
// and the good exports between them, in 9000-byte jumbo frames and in frames padded
// far past their IP length, are decoded exactly as the offline replay decodes them.
#include <gtest/gtest.h>

#include <algorithm>

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

constexpr uint16_t kIpv4 = 0x0800;

// An Ethernet header with `ethertype`, then `rest`.
Frame ethernet(uint16_t ethertype, const Frame& rest) {
  Frame f(14 + rest.size(), 0);
  f[0] = f[6] = 0x02;
  f[12] = static_cast<uint8_t>(ethertype >> 8);
  f[13] = static_cast<uint8_t>(ethertype);
  std::copy(rest.begin(), rest.end(), f.begin() + 14);
  return f;
}

void put16(Frame& f, size_t at, size_t v) {
  f[at] = static_cast<uint8_t>(v >> 8);
  f[at + 1] = static_cast<uint8_t>(v);
}

// One v9 packet of 300 TCP SYN records in a 9000-byte jumbo frame: 300 unanswered
// sessions from exporter 192.0.2.8.
Frame jumbo_export(uint32_t export_secs) {
  testing::Bytes records;
  for (uint32_t i = 0; i < 300; ++i)
    records.ipv4("203.0.113.77").ipv4("198.51.100." + std::to_string(1 + i % 250)).u16(40000 + i).u16(443)
        .u8(6).u8(0x02).u32(1).u32(99000).u32(99000);
  const auto payload = testing::V9Packet()
                           .export_time(export_secs)
                           .sys_uptime(100000)
                           .template_set(256, {{8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1}, {6, 1}, {2, 4}, {22, 4}, {21, 4}})
                           .data_set(256, records)
                           .build();
  return testing::udp_frame("192.0.2.8", "192.0.2.99", 2055, 2055, payload);
}

struct BadFrames {
  std::vector<Frame> frames;
  uint64_t runts = 0, cut_ip = 0, ip_short = 0, udp_long = 0, noise = 0, giants = 0;
};

// `rounds` of each wrong size; a 16 KB and a 70 KB frame every 25 rounds.
BadFrames bad_frames(size_t rounds) {
  BadFrames b;
  for (size_t r = 0; r < rounds; ++r) {
    b.frames.push_back(Frame(1 + r % 13, 0xab));  // 1..13 bytes: no room for Ethernet
    ++b.runts;
    b.frames.push_back(ethernet(kIpv4, Frame(1 + r % 19, 0x45)));  // an IPv4 header cut short
    ++b.cut_ip;
    Frame ip = testing::udp_frame("198.18.0.1", "192.0.2.99", 9, 2055, Frame(60, 0));
    put16(ip, 14 + 2, 1400);  // IPv4 total length: 1400 bytes, 88 arrived
    b.frames.push_back(ip);
    ++b.ip_short;
    Frame udp = testing::udp_frame("198.18.0.2", "192.0.2.99", 9, 2055, Frame(60, 0));
    put16(udp, 14 + 20 + 4, 2000);  // UDP length beyond the IP payload
    b.frames.push_back(udp);
    ++b.udp_long;
    if (r % 25 == 0) {
      // 16 KB, past any jumbo MTU: a consistent UDP datagram of noise that is no export
      // version (net_pcap chains it over 8 mbufs).
      b.frames.push_back(testing::udp_frame("198.18.0.3", "192.0.2.99", 9, 2055, Frame(16000, 0xee)));
      ++b.noise;
      // 70,000 bytes: IPv4 and UDP lengths at their 64 KiB maximum, then more noise.
      // Longer than any datagram; net_pcap hands it over as a chain that holds less
      // than its pkt_len says (the finding this test made: see mbuf_view.cc).
      Frame giant = testing::udp_frame("198.18.0.4", "192.0.2.99", 9, 2055, Frame(65507, 0xee));
      giant.resize(70000, 0xee);
      b.frames.push_back(giant);
      ++b.giants;
    }
  }
  return b;
}

TEST(DaemonFrames, WrongSizesAreCountedBoundedAndTheGoodExportsAroundThemDecoded) {
  const auto datagrams =
      testing::read_datagrams(testing::bundled_captures_dir() / "attacks" / "exports-softflowd-v9.pcap");
  ASSERT_GT(datagrams.size(), 4u);
  std::vector<long> peaks;
  for (size_t rounds : {500u, 2000u}) {
    SCOPED_TRACE(rounds);
    const auto dir = testing::scratch_dir("frame-sizes-" + std::to_string(rounds));
    const BadFrames bad = bad_frames(rounds);
    {
      testing::PcapWriter whole(dir / "whole.pcap"), mixed(dir / "mixed.pcap");
      size_t next_bad = 0;
      for (size_t i = 0; i < datagrams.size(); ++i) {
        const auto& d = datagrams[i];
        // Bad frames spread evenly between the good ones.
        for (const size_t until = bad.frames.size() * (i + 1) / datagrams.size(); next_bad < until; ++next_bad)
          mixed.write(bad.frames[next_bad], d.ctx.receive_ms);
        Frame good = testing::udp_frame("192.0.2.7", "192.0.2.99", 2055, 2055, d.payload);
        if (i % 3 == 1) good.resize(good.size() + 3000, 0);  // link padding past the IP length
        whole.write(good, d.ctx.receive_ms);
        mixed.write(good, d.ctx.receive_ms);
        if (i == datagrams.size() / 2) {
          const Frame jumbo = jumbo_export(static_cast<uint32_t>(d.ctx.receive_ms / 1000));
          ASSERT_GT(jumbo.size(), 7500u);
          ASSERT_LE(jumbo.size(), 9014u);
          whole.write(jumbo, d.ctx.receive_ms);
          mixed.write(jumbo, d.ctx.receive_ms);
        }
      }
    }
    const auto daemon = testing::run_program({SYNWATCHD_BINARY, "--pcap", dir / "mixed.pcap", "--sessions-out",
                                              dir / "s.jsonl", "--metrics-listen", "", "--api-listen", ""},
                                             300s);
    const std::string& summary = daemon.err;
    ASSERT_EQ(daemon.status, 0) << summary;
    const auto expected = testing::replay_cli_sessions(SYNWATCH_REPLAY_BINARY, dir / "whole.pcap");
    size_t from_jumbo = 0;
    for (const auto& line : expected) from_jumbo += line.find("\"192.0.2.8\"") != std::string::npos;
    EXPECT_EQ(from_jumbo, 300u) << "the jumbo frame's records";
    EXPECT_EQ(testing::sorted_lines(testing::read_text(dir / "s.jsonl")), expected) << summary;
    EXPECT_EQ(testing::summary_count(summary, "truncated_link_header"), bad.runts) << summary;
    EXPECT_EQ(testing::summary_count(summary, "bad_ip_header"), bad.cut_ip) << summary;
    EXPECT_EQ(testing::summary_count(summary, "bad_udp_length"), bad.udp_long) << summary;
    // A giant is cut short by the driver (ip_truncated) or, whole, is noise.
    EXPECT_EQ(testing::summary_count(summary, "ip_truncated") +
                  testing::summary_count(summary, "unknown_export_version"),
              bad.ip_short + bad.noise + bad.giants)
        << summary;
    EXPECT_GE(testing::summary_count(summary, "ip_truncated"), bad.ip_short) << summary;
    EXPECT_GE(testing::summary_count(summary, "unknown_export_version"), bad.noise) << summary;
    EXPECT_EQ(testing::summary_count(summary, "nic_errors"), 0u) << summary;
    EXPECT_EQ(testing::summary_count(summary, "nic_no_mbuf"), 0u) << summary;
    peaks.push_back(daemon.peak_rss_kb);
    if (!HasFailure()) fs::remove_all(dir);
  }
  // Four times the bad frames, the same memory.
  ASSERT_GT(peaks[0], 0);
  EXPECT_LT(peaks[1] - peaks[0], 8 * 1024) << "peak RSS " << peaks[0] << " KiB, then " << peaks[1] << " KiB";
}

}  // namespace
}  // namespace synwatch
