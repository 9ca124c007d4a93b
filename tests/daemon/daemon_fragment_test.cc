// Export packets that arrive as IP fragments (large templates and data sets over a
// 1500-byte path, IPv4 and IPv6) are reassembled by the DPDK input: the sessions are
// those of the same packets unfragmented, and every reassembly is counted.
#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <sstream>

#include "tests/support/capture_datagrams.h"
#include "tests/support/export_builder.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_data.h"

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

struct PcapWriter {
  explicit PcapWriter(const fs::path& path)
      : dead(pcap_open_dead(DLT_EN10MB, 65535)), dump(pcap_dump_open(dead, path.c_str())) {}
  ~PcapWriter() {
    pcap_dump_close(dump);
    pcap_close(dead);
  }
  void write(const Frame& f, int64_t ms) {
    pcap_pkthdr h{};
    h.ts.tv_sec = ms / 1000;
    h.ts.tv_usec = static_cast<suseconds_t>(ms % 1000 * 1000);
    h.caplen = h.len = static_cast<bpf_u_int32>(f.size());
    pcap_dump(reinterpret_cast<u_char*>(dump), &h, f.data());
  }
  pcap_t* dead;
  pcap_dumper_t* dump;
};

void expect_reassembled(const char* exporter, const char* collector) {
  const auto dir = testing::scratch_dir(std::string("fragments-") + (exporter[0] == '2' ? "v6" : "v4"));
  const auto datagrams =
      testing::read_datagrams(testing::bundled_captures_dir() / "mixed" / "exports-softflowd-v9.pcap");
  ASSERT_FALSE(datagrams.empty());
  size_t fragmented = 0;
  {
    PcapWriter whole(dir / "whole.pcap"), pieces(dir / "fragments.pcap");
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
  // "  input   fragments_reassembled   N  ..."
  std::ostringstream row;
  row << "fragments_reassembled";
  const size_t at = daemon.err.find(row.str());
  ASSERT_NE(at, std::string::npos) << daemon.err;
  std::istringstream count(daemon.err.substr(at + row.str().size()));
  size_t n = 0;
  count >> n;
  EXPECT_EQ(n, fragmented) << daemon.err;
  EXPECT_NE(daemon.err.find("dropped or lost: none"), std::string::npos) << daemon.err;
}

TEST(DaemonFragments, Ipv4ExportPacketsAreReassembled) { expect_reassembled("192.0.2.7", "192.0.2.99"); }

TEST(DaemonFragments, Ipv6ExportPacketsAreReassembled) {
  expect_reassembled("2001:db8::7", "2001:db8::99");
}

}  // namespace
}  // namespace synwatch
