// The dataplane's IPFIX decoder agrees, record for record, with the reference decoder
// written for the tests (tests/reference), on every IPFIX capture there is: the bundled
// ones always, the real exporters' in ../shared when present. The differential fuzzer
// (tests/fuzz/ipfix_differential_fuzz.cc) does the same on generated input.
#include <gtest/gtest.h>

#include "tests/reference/ipfix_agreement.h"
#include "tests/support/capture_datagrams.h"
#include "tests/support/export_builder.h"
#include "tests/support/test_data.h"

namespace synwatch {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> ipfix_captures() {
  std::vector<fs::path> found;
  for (const fs::path& dir : {testing::bundled_captures_dir(), testing::shared_flows_dir()}) {
    if (dir.empty() || !fs::exists(dir)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      const std::string name = entry.path().filename().string();
      if (entry.is_regular_file() && name.rfind("exports-", 0) == 0 &&
          entry.path().extension() == ".pcap")
        found.push_back(entry.path());
    }
  }
  std::sort(found.begin(), found.end());
  return found;
}

TEST(IpfixReference, AgreesWithTheDecoderOnEveryCapture) {
  if (testing::shared_flows_dir().empty())
    std::fprintf(stderr, "note: ../shared/testdata/flows absent; bundled captures only\n");
  uint64_t messages = 0, records = 0;
  for (const fs::path& capture : ipfix_captures()) {
    reference::IpfixAgreement agreement;
    for (const auto& d : testing::read_datagrams(capture)) {
      if (d.payload.size() < 2 || d.payload[0] != 0 || d.payload[1] != 10) continue;
      ++messages;
      const std::string difference =
          agreement.feed(d.payload.data(), d.payload.size(), d.ctx.exporter, d.ctx.receive_ms);
      ASSERT_EQ(difference, "") << capture;
    }
    EXPECT_FALSE(agreement.beyond_scope()) << capture << ": " << agreement.beyond_reason();
    records += agreement.records_compared();
  }
  EXPECT_GT(messages, 0u);
  EXPECT_GT(records, 1000u);
  std::fprintf(stderr, "%llu IPFIX messages, %llu records compared\n",
               static_cast<unsigned long long>(messages), static_cast<unsigned long long>(records));
}

// Built messages that reach what the captures do not: variable-length and enterprise
// fields, options data (sampling per sampler, system init time), both address families
// in one template, bi-flow counters, withdrawal, and times at the edges of their fields.
TEST(IpfixReference, AgreesOnMessagesThatUseEveryFeature) {
  using testing::Bytes;
  using testing::IpfixPacket;
  const std::vector<std::vector<uint8_t>> messages = {
      IpfixPacket()
          .options_template_set(300, 1, {{48, 2}, {50, 4}, {160, 8}})
          .data_set(300, Bytes().u16(7).u32(100).u64(1699999000000))
          .template_set(256, {{8, 4}, {12, 4}, {27, 16}, {28, 16}, {60, 1}, {7, 2}, {11, 2},
                              {4, 1}, {6, 1}, {48, 2}, {22, 4}, {21, 4}, {1, 8}, {2, 3},
                              {1, 8, 29305}, {6, 1, 29305}, {99, 65535}, {100, 3, 9}})
          .data_set(256, Bytes().ipv4("0.0.0.0").ipv4("0.0.0.0").ipv6("2001:db8::1")
                             .ipv6("2001:db8::2").u8(0).u16(443).u16(51000).u8(6).u8(0x12)
                             .u16(7).u32(1000).u32(5000).u64(1500).uint(3, 3).u64(700).u8(0x1b)
                             .varlen({1, 2, 3}).uint(0, 3))
          .build(),
      IpfixPacket()
          .template_set(257, {{8, 4}, {12, 4}, {4, 1}, {32, 2}, {322, 8}, {34, 5}, {7, 8}})
          .data_set(257, Bytes().ipv4("198.51.100.1").ipv4("203.0.113.9").u8(1).u16(0x0303)
                             .u64(~uint64_t{0}).uint(10, 5).u64(0x1234567890abcdefULL))
          .withdraw(256)
          .data_set(256, Bytes().zeros(64))
          .build(),
      // An enterprise-specific field with enterprise number 0 is not the IANA element.
      IpfixPacket()
          .raw_set(2, Bytes().u16(258).u16(3).u16(8).u16(4).u16(12).u16(4)
                       .u16(0x8000 | 7).u16(2).u32(0))
          .data_set(258, Bytes().ipv4("10.1.1.1").ipv4("10.2.2.2").u16(4444))
          .build(),
  };
  reference::IpfixAgreement agreement;
  const auto exporter = wire::IpAddress::v4(0xc0000202u);
  for (const auto& m : messages)
    ASSERT_EQ(agreement.feed(m.data(), m.size(), exporter, 1700000000000), "");
  EXPECT_EQ(agreement.records_compared(), 3u);
}

// The comparison can fail: a decoder that disagrees is caught, with the field named.
TEST(IpfixReference, ReportsTheFieldThatDiffers) {
  decode::FlowRecord a, b;
  a.src_port = 80;
  b.src_port = 8080;
  EXPECT_EQ(reference::record_differences(a, b), "src_port: 80 | 8080; ");
  EXPECT_EQ(reference::record_differences(a, a), "");
}

}  // namespace
}  // namespace synwatch
