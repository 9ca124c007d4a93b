// sFlow v5: flow and expanded flow samples become records of the sampled packet
// (Ethernet, 802.1Q / QinQ, IPv4, IPv6 with extension headers, TCP, UDP, ICMP);
// sampled_ipv4 records stand in for raw headers; counter samples, other records and
// non-IP packets are skipped by length and counted; datagram sequence gaps counted.
#include <gtest/gtest.h>

#include "tests/support/decode_harness.h"
#include "tests/support/export_builder.h"

namespace synwatch::decode {
namespace {

using testing::Bytes;
using testing::DecodeHarness;
using testing::FrameBuilder;
using testing::SflowDatagram;
using testing::SflowFlowSample;

struct HeaderCase {
  const char* description;
  std::vector<uint8_t> frame;
  uint32_t header_protocol;
  const char* src;
  uint8_t proto;
  uint16_t sport, dport;
  uint8_t flags;
  uint64_t bytes;
};

TEST(Sflow, RawHeadersOfEveryCommonShape) {
  const HeaderCase cases[] = {
      {"Ethernet IPv4 TCP SYN", FrameBuilder().ipv4("10.0.0.1", "10.0.0.2", 6, 60).tcp(40000, 80, 0x02).build(),
       1, "10.0.0.1", 6, 40000, 80, 0x02, 60},
      {"802.1Q", FrameBuilder().vlan(0x8100, 10).ipv4("10.0.0.1", "10.0.0.2", 6, 1500).tcp(1, 2, 0x10).build(),
       1, "10.0.0.1", 6, 1, 2, 0x10, 1500},
      {"QinQ", FrameBuilder().vlan(0x88a8, 10).vlan(0x8100, 20).ipv4("10.0.0.1", "10.0.0.2", 17, 100).udp(53, 5353).build(),
       1, "10.0.0.1", 17, 53, 5353, 0, 100},
      {"IPv6 TCP", FrameBuilder().ipv6("2001:db8::1", "2001:db8::2", 6, 20).tcp(443, 50000, 0x12).build(),
       1, "2001:db8::1", 6, 443, 50000, 0x12, 60},
      {"IPv6 hop-by-hop then ICMPv6", FrameBuilder().ipv6("fe80::1", "ff02::16", 0, 36).ipv6_extension(0, 58).icmp(143, 0).build(),
       1, "fe80::1", 58, 0, 0, 0, 76},
      {"IPv6 routing + dest opts then UDP", FrameBuilder().ipv6("2001:db8::1", "2001:db8::2", 43, 40)
           .ipv6_extension(43, 60).ipv6_extension(60, 17).udp(1000, 2000).build(),
       1, "2001:db8::1", 17, 1000, 2000, 0, 80},
      {"header protocol IPv4", FrameBuilder().ipv4("10.9.9.9", "10.0.0.2", 6, 52).tcp(5, 6, 0x04).build(false),
       11, "10.9.9.9", 6, 5, 6, 0x04, 52},
      {"header protocol IPv6", FrameBuilder().ipv6("2001:db8::9", "2001:db8::2", 17, 8).udp(7, 8).build(false),
       12, "2001:db8::9", 17, 7, 8, 0, 48},
  };
  for (const auto& c : cases) {
    DecodeHarness h;
    auto recs = h.feed(SflowDatagram().flow_sample(
        SflowFlowSample().rate(256).other_record(1001, 16).raw_header(c.frame, c.header_protocol)).build(),
        "192.0.2.10", 1700000000123);
    ASSERT_EQ(recs.size(), 1u) << c.description;
    const FlowRecord& r = recs[0];
    EXPECT_EQ(r.version, ExportVersion::kSflow) << c.description;
    EXPECT_EQ(r.src.to_string(), c.src) << c.description;
    EXPECT_EQ(r.proto, c.proto) << c.description;
    EXPECT_EQ(r.src_port, c.sport) << c.description;
    EXPECT_EQ(r.dst_port, c.dport) << c.description;
    EXPECT_EQ(r.tcp_flags, c.flags) << c.description;
    EXPECT_EQ(r.bytes, c.bytes) << c.description << ": the IP length, not the header length";
    EXPECT_EQ(r.packets, 1u);
    EXPECT_EQ(r.sampling, 256u);
    EXPECT_EQ(r.start_ms, 1700000000123) << "the datagram's arrival";
    EXPECT_EQ(r.end_ms, 1700000000123);
    EXPECT_EQ(h.count(DecodeCounter::sflow_other_record_skipped), 1u) << c.description;
  }
}

// What signatures scan: the bytes after the TCP header (its options included) or the UDP
// header, as far as the switch's header went; nothing when there are none.
TEST(Sflow, RawHeaderPayloadIsOfferedForScanning) {
  struct Case {
    const char* description;
    std::vector<uint8_t> frame;
    std::string payload;  // "" : no span
  };
  const Case cases[] = {
      {"TCP", FrameBuilder().ipv4("10.0.0.1", "10.0.0.2", 6, 1500).tcp(40000, 80, 0x18).payload("GET / HTTP/1.1").build(),
       "GET / HTTP/1.1"},
      {"TCP with 12 bytes of options",
       FrameBuilder().ipv4("10.0.0.1", "10.0.0.2", 6, 1500).tcp(22, 40000, 0x18, 3).payload("SSH-2.0-x").build(),
       "SSH-2.0-x"},
      {"IPv6 TCP", FrameBuilder().ipv6("2001:db8::1", "2001:db8::2", 6, 900).tcp(80, 1, 0x18).payload("HTTP/1.0 200").build(),
       "HTTP/1.0 200"},
      {"UDP", FrameBuilder().ipv4("10.0.0.1", "10.0.0.2", 17, 100).udp(5000, 53).payload("abc").build(), "abc"},
      {"TCP SYN, no payload", FrameBuilder().ipv4("10.0.0.1", "10.0.0.2", 6, 40).tcp(1, 2, 0x02).build(), ""},
      {"header cut inside the TCP options",
       FrameBuilder().ipv4("10.0.0.1", "10.0.0.2", 6, 1500).tcp(1, 2, 0x18, 10).build(), ""},
      {"later IPv4 fragment", FrameBuilder().ipv4("10.0.0.1", "10.0.0.2", 6, 1500, 0x0010).payload("GET / x").build(),
       ""},
  };
  for (const auto& c : cases) {
    std::vector<uint8_t> frame = c.frame;
    if (std::string(c.description) == "header cut inside the TCP options") frame.resize(frame.size() - 8);
    DecodeHarness h;
    auto recs = h.feed(SflowDatagram().flow_sample(SflowFlowSample().raw_header(frame)).build());
    ASSERT_EQ(recs.size(), 1u) << c.description;
    const auto& spans = h.spans.back();
    if (c.payload.empty()) {
      EXPECT_TRUE(spans.empty()) << c.description;
      continue;
    }
    ASSERT_EQ(spans.size(), 1u) << c.description;
    EXPECT_EQ(spans[0].target, ScanTarget::kPayload) << c.description;
    EXPECT_EQ(spans[0].bytes, c.payload) << c.description;
  }
}

TEST(Sflow, ExpandedSamplesSampledIpv4AndInterfaces) {
  DecodeHarness h;
  auto expanded = SflowFlowSample().rate(10).interfaces(0x40000005, 77).expanded_form();
  expanded.raw_header(FrameBuilder().ipv4("10.0.0.1", "10.0.0.2", 6, 40).tcp(1, 2, 0x11).build());
  auto compact = SflowFlowSample().rate(20).interfaces(0x40000005, 0x80000003);
  compact.sampled_ipv4("10.3.3.3", "10.4.4.4", 6, 1000, 22, 0x02, 60);
  auto recs = h.feed(SflowDatagram().flow_sample(expanded).flow_sample(compact).build());
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].in_if, 0x40000005u) << "expanded samples carry the full value";
  EXPECT_EQ(recs[0].out_if, 77u);
  EXPECT_EQ(recs[0].sampling, 10u);
  EXPECT_EQ(recs[1].src.to_string(), "10.3.3.3");
  EXPECT_EQ(recs[1].dst_port, 22);
  EXPECT_EQ(recs[1].tcp_flags, 0x02);
  EXPECT_EQ(recs[1].bytes, 60u);
  EXPECT_EQ(recs[1].in_if, 5u) << "compact samples: the format bits are not part of the ifIndex";
  EXPECT_EQ(recs[1].out_if, 3u);
}

// A sample may carry a sampled_ipv4 record beside the raw header: the header wins
// whole, with nothing of the sampled_ipv4 record mixed in, whichever comes first. A
// sampled_ipv4 record too short for its fields is a truncated record, header or not.
TEST(Sflow, RawHeaderWinsOverSampledIpv4AndShortSampledIpv4IsTruncated) {
  const auto frame = FrameBuilder().ipv4("10.0.0.1", "10.0.0.2", 6, 40).tcp(1000, 80, 0x12).build();
  for (const bool header_first : {true, false}) {
    DecodeHarness h;
    SflowFlowSample both;
    if (header_first) both.raw_header(frame);
    both.sampled_ipv4("10.9.9.9", "10.8.8.8", 17, 53, 53, 0, 999);
    if (!header_first) both.raw_header(frame);
    auto recs = h.feed(SflowDatagram().flow_sample(both).build());
    ASSERT_EQ(recs.size(), 1u) << "header first: " << header_first;
    EXPECT_EQ(recs[0].src.to_string(), "10.0.0.1");
    EXPECT_EQ(recs[0].proto, 6);
    EXPECT_EQ(recs[0].dst_port, 80);
    EXPECT_EQ(recs[0].tcp_flags, 0x12);
    EXPECT_NE(recs[0].bytes, 999u) << "the sampled_ipv4 length is not the packet's";
  }
  DecodeHarness h;
  auto recs = h.feed(SflowDatagram()
                         .flow_sample(SflowFlowSample().other_record(3, 16).raw_header(frame))
                         .flow_sample(SflowFlowSample().other_record(4, 40))
                         .build());
  EXPECT_TRUE(recs.empty());
  EXPECT_EQ(h.count(DecodeCounter::sflow_record_truncated), 2u) << "IPv4 needs 32 bytes, IPv6 56";
}

TEST(Sflow, SkipsAndCountsWhatIsNotAFlowSample) {
  DecodeHarness h;
  auto arp = Bytes().u32(0xffffffff).u16(0xffff).u32(0x02000000).u16(1).u16(0x0806).zeros(28).data;
  auto cut = FrameBuilder().ipv4("10.0.0.1", "10.0.0.2", 6, 40).tcp(1, 2, 0x02).build();
  cut.resize(14 + 20 + 6);  // TCP header cut before the flags
  auto recs = h.feed(SflowDatagram()
                         .counter_sample(88)
                         .raw_sample(0x1234 << 12 | 1, Bytes().zeros(12))  // enterprise format
                         .flow_sample(SflowFlowSample().raw_header(arp))
                         .flow_sample(SflowFlowSample().raw_header(cut))
                         .flow_sample(SflowFlowSample().other_record(1001, 16))
                         .build());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].src.to_string(), "10.0.0.1");
  EXPECT_EQ(recs[0].src_port, 0) << "ports unknown when the header is cut";
  EXPECT_EQ(h.count(DecodeCounter::sflow_counter_sample_skipped), 1u);
  EXPECT_EQ(h.count(DecodeCounter::sflow_other_sample_skipped), 1u);
  EXPECT_EQ(h.count(DecodeCounter::sflow_header_not_ip), 1u);
  EXPECT_EQ(h.count(DecodeCounter::sflow_header_no_ports), 1u);
  EXPECT_EQ(h.count(DecodeCounter::sflow_sample_without_packet), 1u);
}

TEST(Sflow, IPv6AgentAndDatagramSequence) {
  DecodeHarness h;
  auto sample = SflowFlowSample().raw_header(FrameBuilder().ipv4("10.0.0.1", "10.0.0.2", 17, 28).udp(1, 2).build());
  h.feed(SflowDatagram().agent("2001:db8::a").sub_agent(3).sequence(7).flow_sample(sample).build());
  h.feed(SflowDatagram().agent("2001:db8::a").sub_agent(3).sequence(8).flow_sample(sample).build());
  h.feed(SflowDatagram().agent("2001:db8::a").sub_agent(3).sequence(12).flow_sample(sample).build());
  EXPECT_EQ(h.records.size(), 3u);
  EXPECT_EQ(h.records[0].domain, 3u);
  EXPECT_EQ(h.count(DecodeCounter::sflow_datagrams_lost), 3u);
}

TEST(Sflow, MalformedDatagramsGetNamedReasons) {
  const struct {
    const char* description;
    std::vector<uint8_t> payload;
    DecodeCounter expected;
  } cases[] = {
      {"header cut", Bytes().u32(5).u32(1).u32(0x0a000001).data, DecodeCounter::sflow_truncated_header},
      {"agent type 3", Bytes().u32(5).u32(3).zeros(20).data, DecodeCounter::sflow_bad_agent_type},
      {"sample longer than the datagram",
       Bytes().raw(SflowDatagram().sample_count(1).build()).u32(1).u32(500).zeros(8).data,
       DecodeCounter::sflow_sample_truncated},
      {"more samples claimed than present", SflowDatagram().sample_count(3).counter_sample(8).build(),
       DecodeCounter::sflow_sample_truncated},
      {"absurd sample count", SflowDatagram().sample_count(1000000).build(), DecodeCounter::sflow_sample_limit},
      {"record longer than its sample",
       SflowDatagram().raw_sample(1, Bytes().zeros(28).u32(1).u32(1).u32(400)).build(),
       DecodeCounter::sflow_record_truncated},
      {"header length beyond its record",
       SflowDatagram().raw_sample(1, Bytes().zeros(28).u32(1).u32(1).u32(16).u32(1).u32(60).u32(0).u32(200)).build(),
       DecodeCounter::sflow_record_truncated},
      {"unknown header protocol",
       SflowDatagram().flow_sample(SflowFlowSample().raw_header({1, 2, 3, 4}, 99)).build(),
       DecodeCounter::sflow_header_protocol_unsupported},
      {"IP header too short",
       SflowDatagram().flow_sample(SflowFlowSample().raw_header({0x45, 0, 0, 20}, 11)).build(),
       DecodeCounter::sflow_header_bad_ip},
  };
  for (const auto& c : cases) {
    DecodeHarness h;
    h.feed(c.payload);
    EXPECT_GE(h.count(c.expected), 1u) << c.description << ": expected " << counter_name(c.expected);
    EXPECT_TRUE(h.records.empty()) << c.description;
  }
}

}  // namespace
}  // namespace synwatch::decode
