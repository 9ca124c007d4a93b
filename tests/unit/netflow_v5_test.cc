// NetFlow v5: every record, header sampling, sysUptime arithmetic (FIRST_SWITCHED = 0,
// counter wrap), ICMP in port fields, flow-sequence loss, and malformed headers.
#include <gtest/gtest.h>

#include "tests/support/decode_harness.h"
#include "tests/support/export_builder.h"

namespace synwatch::decode {
namespace {

using testing::DecodeHarness;
using testing::V5Flow;
using testing::V5Packet;

TEST(NetflowV5, DecodesEveryFieldOfEveryRecord) {
  DecodeHarness h;
  V5Flow f;
  f.src = "198.51.100.7";
  f.dst = "203.0.113.9";
  f.sport = 51000;
  f.dport = 443;
  f.tcp_flags = 0x12;
  f.packets = 3;
  f.bytes = 180;
  f.first = 99000;
  f.last = 99500;
  f.in_if = 7;
  f.out_if = 9;
  f.tos = 0x10;
  V5Flow g = f;
  g.proto = 17;
  auto recs = h.feed(V5Packet().sys_uptime(100000).unix_time(1700000000, 250000000)
                         .engine(1, 2).flow(f).flow(g).build());
  ASSERT_EQ(recs.size(), 2u);
  const FlowRecord& r = recs[0];
  EXPECT_EQ(r.version, ExportVersion::kNetflowV5);
  EXPECT_EQ(r.exporter.to_string(), "192.0.2.10");
  EXPECT_EQ(r.domain, 0x0102u);
  EXPECT_EQ(r.src.to_string(), "198.51.100.7");
  EXPECT_EQ(r.dst.to_string(), "203.0.113.9");
  EXPECT_EQ(r.src_port, 51000);
  EXPECT_EQ(r.dst_port, 443);
  EXPECT_EQ(r.proto, 6);
  EXPECT_EQ(r.tcp_flags, 0x12);
  EXPECT_EQ(r.tos, 0x10);
  EXPECT_EQ(r.packets, 3u);
  EXPECT_EQ(r.bytes, 180u);
  EXPECT_EQ(r.in_if, 7u);
  EXPECT_EQ(r.out_if, 9u);
  EXPECT_EQ(r.sampling, 1u);
  // export time 1700000000.250 s, uptime 100 s: uptime 99 s is 1 s before export.
  EXPECT_EQ(r.start_ms, 1700000000250 - 1000);
  EXPECT_EQ(r.end_ms, 1700000000250 - 500);
  EXPECT_EQ(recs[1].proto, 17);
}

TEST(NetflowV5, TimesAcrossUptimeWrapAndFirstSwitchedZero) {
  DecodeHarness h;
  V5Flow wrapped;
  wrapped.first = 0xfffffc18;  // 1000 ms before the 32-bit uptime counter wrapped
  wrapped.last = 500;
  V5Flow zero;
  zero.first = 0;  // softflowd -a: uptime 0 is the first packet
  zero.last = 10;
  auto recs = h.feed(V5Packet().sys_uptime(1000).unix_time(1700000000, 0).flow(wrapped)
                         .flow(zero).build());
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].start_ms, 1700000000000 - 2000);
  EXPECT_EQ(recs[0].end_ms, 1700000000000 - 500);
  EXPECT_EQ(recs[1].start_ms, 1700000000000 - 1000);
  EXPECT_EQ(recs[1].end_ms, 1700000000000 - 990);
}

TEST(NetflowV5, SamplingFromHeaderAndStaticOverride) {
  DecodeHarness h;
  auto recs = h.feed(V5Packet().sampling(0x4000 | 100).flow({}).build());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].sampling, 100u);

  DecoderConfig config;
  SamplingOverride o;
  wire::IpAddress::parse("192.0.2.10", o.exporter);
  o.rate = 512;
  config.sampling_overrides.push_back(o);
  DecodeHarness overridden(config);
  recs = overridden.feed(V5Packet().sampling(0x4000 | 100).flow({}).build());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].sampling, 512u);
  // Another exporter is not affected.
  recs = overridden.feed(V5Packet().flow({}).build(), "192.0.2.11");
  EXPECT_EQ(recs[0].sampling, 1u);
}

TEST(NetflowV5, IcmpTypeAndCodeFromEitherPortConvention) {
  const struct {
    const char* description;
    uint16_t sport, dport;
    uint8_t type, code;
  } cases[] = {
      {"type << 8 | code in dport (Cisco, softflowd, pmacct)", 0, 0x0303, 3, 3},
      {"echo request", 0, 0x0800, 8, 0},
      {"fprobe: type in sport, code in dport", 3, 1, 3, 1},
      {"fprobe echo request", 8, 0, 8, 0},
      {"echo reply either way", 0, 0, 0, 0},
  };
  for (const auto& c : cases) {
    DecodeHarness h;
    V5Flow f;
    f.proto = 1;
    f.sport = c.sport;
    f.dport = c.dport;
    auto recs = h.feed(V5Packet().flow(f).build());
    ASSERT_EQ(recs.size(), 1u) << c.description;
    EXPECT_TRUE(recs[0].has_icmp) << c.description;
    EXPECT_EQ(recs[0].icmp_type, c.type) << c.description;
    EXPECT_EQ(recs[0].icmp_code, c.code) << c.description;
    EXPECT_EQ(recs[0].src_port, c.sport) << "ports stay as exported";
  }
}

TEST(NetflowV5, CountsRecordsLostFromFlowSequence) {
  DecodeHarness h;
  h.feed(V5Packet().sequence(100).flow({}).flow({}).build());  // next expected 102
  h.feed(V5Packet().sequence(102).flow({}).build());           // in order
  EXPECT_EQ(h.count(DecodeCounter::v5_records_lost), 0u);
  h.feed(V5Packet().sequence(110).flow({}).build());           // 7 records missing
  EXPECT_EQ(h.count(DecodeCounter::v5_records_lost), 7u);
  h.feed(V5Packet().sequence(5).flow({}).build());             // exporter restarted
  EXPECT_EQ(h.count(DecodeCounter::sequence_reset), 1u);
  // Engines are separate sequence spaces.
  h.feed(V5Packet().engine(0, 1).sequence(9000).flow({}).build());
  EXPECT_EQ(h.count(DecodeCounter::v5_records_lost), 7u);
}

TEST(NetflowV5, MalformedHeadersAreNamedDrops) {
  DecodeHarness h;
  auto short_header = V5Packet().flow({}).build();
  short_header.resize(20);
  EXPECT_TRUE(h.feed(short_header).empty());
  EXPECT_EQ(h.count(DecodeCounter::v5_truncated_header), 1u);

  EXPECT_TRUE(h.feed(V5Packet().count(0).flow({}).build()).empty());
  EXPECT_TRUE(h.feed(V5Packet().count(31).flow({}).build()).empty());
  EXPECT_EQ(h.count(DecodeCounter::v5_bad_count), 2u);

  // Count says 3, two records present: the two are decoded, the loss is named.
  auto recs = h.feed(V5Packet().count(3).flow({}).flow({}).build());
  EXPECT_EQ(recs.size(), 2u);
  EXPECT_EQ(h.count(DecodeCounter::v5_short_packet), 1u);
}

}  // namespace
}  // namespace synwatch::decode
