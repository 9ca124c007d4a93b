// NetFlow v9 and IPFIX: templates and their keys, data before templates, replacement,
// withdrawal and expiry, options data (sampling, system init time), every timestamp
// form, variable-length and enterprise fields, bi-flows, NSEL, sequence numbers, and
// the named reasons for everything malformed.
#include <gtest/gtest.h>

#include "tests/support/decode_harness.h"
#include "tests/support/export_builder.h"

namespace synwatch::decode {
namespace {

using testing::Bytes;
using testing::DecodeHarness;
using testing::IpfixPacket;
using testing::V9Packet;

// A small IPv4 template: src, dst, sport, dport, proto, flags, packets, bytes.
#define V4_FIELDS {8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1}, {6, 1}, {2, 4}, {1, 4}

Bytes v4_record(const char* src, const char* dst, uint16_t sport = 1234, uint16_t dport = 80,
                uint32_t packets = 5) {
  return Bytes().ipv4(src).ipv4(dst).u16(sport).u16(dport).u8(6).u8(0x02).u32(packets).u32(300);
}

TEST(NetflowV9, DecodesDataWithItsTemplateAndIgnoresTheHeaderCount) {
  DecodeHarness h;
  auto recs = h.feed(V9Packet().count(1)  // softflowd: a count smaller than the records
                         .template_set(256, {V4_FIELDS})
                         .data_set(256, v4_record("10.0.0.1", "10.0.0.2").raw(
                                            v4_record("10.0.0.3", "10.0.0.4")))
                         .build());
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].version, ExportVersion::kNetflowV9);
  EXPECT_EQ(recs[0].src.to_string(), "10.0.0.1");
  EXPECT_EQ(recs[0].dst_port, 80);
  EXPECT_EQ(recs[0].tcp_flags, 0x02);
  EXPECT_EQ(recs[0].packets, 5u);
  EXPECT_EQ(recs[0].bytes, 300u);
  EXPECT_EQ(recs[1].src.to_string(), "10.0.0.3");
  // No time fields: the export time stands in.
  EXPECT_EQ(recs[0].start_ms, 1700000000000);
  EXPECT_EQ(h.count(DecodeCounter::template_learned), 1u);
}

TEST(NetflowV9, TemplatesAreKeyedByExporterAndSourceIdNeverByPort) {
  DecodeHarness h;
  h.feed(V9Packet().domain(1).template_set(256, {V4_FIELDS}).build());
  // Same template id, other source id: a different template, not learned yet.
  auto recs = h.feed(V9Packet().domain(2).data_set(256, v4_record("10.0.0.1", "10.0.0.2")).build());
  EXPECT_TRUE(recs.empty());
  EXPECT_EQ(h.count(DecodeCounter::data_set_pending), 1u);
  // Same source id, other exporter address: unknown too.
  recs = h.feed(V9Packet().domain(1).data_set(256, v4_record("10.0.0.1", "10.0.0.2")).build(),
                "192.0.2.99");
  EXPECT_TRUE(recs.empty());
  // The exporter that sent it, on any source port (the harness has no ports at all).
  recs = h.feed(V9Packet().domain(1).data_set(256, v4_record("10.0.0.1", "10.0.0.2")).build());
  EXPECT_EQ(recs.size(), 1u);
}

TEST(NetflowV9, DataBeforeItsTemplateIsHeldThenDecoded) {
  DecodeHarness h;
  EXPECT_TRUE(h.feed(V9Packet().sequence(1).data_set(300, v4_record("10.1.0.1", "10.1.0.2")).build()).empty());
  EXPECT_TRUE(h.feed(V9Packet().sequence(2).data_set(300, v4_record("10.1.0.3", "10.1.0.4")).build()).empty());
  EXPECT_EQ(h.decoder.pending().size(), 2u);
  auto recs = h.feed(V9Packet().sequence(3).template_set(300, {V4_FIELDS}).build());
  ASSERT_EQ(recs.size(), 2u);  // oldest first
  EXPECT_EQ(recs[0].src.to_string(), "10.1.0.1");
  EXPECT_EQ(recs[1].src.to_string(), "10.1.0.3");
  EXPECT_EQ(h.count(DecodeCounter::pending_decoded), 2u);
  EXPECT_EQ(h.decoder.pending().size(), 0u);
}

TEST(NetflowV9, HeldDataExpiresAndIsCounted) {
  DecoderConfig config;
  config.pending_timeout_s = 60;
  DecodeHarness h(config);
  h.feed(V9Packet().export_time(1000).data_set(300, v4_record("10.1.0.1", "10.1.0.2")).build());
  h.feed(V9Packet().export_time(1030).build());
  EXPECT_EQ(h.decoder.pending().size(), 1u);
  h.feed(V9Packet().export_time(1061).build());
  EXPECT_EQ(h.decoder.pending().size(), 0u);
  EXPECT_EQ(h.count(DecodeCounter::pending_expired), 1u);
  // The template arriving later decodes nothing from before.
  EXPECT_TRUE(h.feed(V9Packet().export_time(1062).template_set(300, {V4_FIELDS}).build()).empty());
}

TEST(NetflowV9, PendingBufferIsBoundedPerExporterAndInSize) {
  DecoderConfig config;
  config.pending_per_exporter = 2;
  config.pending_slot_bytes = 64;
  DecodeHarness h(config);
  for (int i = 0; i < 5; ++i)
    h.feed(V9Packet().data_set(300, v4_record("10.1.0.1", "10.1.0.2")).build());
  EXPECT_EQ(h.decoder.pending().size(), 2u);
  EXPECT_EQ(h.count(DecodeCounter::pending_exporter_limit), 3u);
  Bytes big;
  for (int i = 0; i < 4; ++i) big.raw(v4_record("10.1.0.1", "10.1.0.2"));
  h.feed(V9Packet().data_set(301, big).build(), "192.0.2.77");
  EXPECT_EQ(h.count(DecodeCounter::pending_too_large), 1u);
}

TEST(NetflowV9, TemplateRedefinitionReplacesAndRefreshIsQuiet) {
  DecodeHarness h;
  h.feed(V9Packet().template_set(256, {V4_FIELDS}).build());
  h.feed(V9Packet().template_set(256, {V4_FIELDS}).build());
  EXPECT_EQ(h.count(DecodeCounter::template_replaced), 0u);
  // Same id, IPv6 layout now.
  h.feed(V9Packet().template_set(256, {{27, 16}, {28, 16}, {2, 4}}).build());
  EXPECT_EQ(h.count(DecodeCounter::template_replaced), 1u);
  auto recs = h.feed(V9Packet().data_set(256, Bytes().ipv6("2001:db8::1").ipv6("2001:db8::2").u32(9)).build());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].dst.to_string(), "2001:db8::2");
  EXPECT_EQ(recs[0].packets, 9u);
  EXPECT_EQ(h.decoder.templates().size(), 1u);
}

TEST(NetflowV9, TemplatesExpireWhenNotRefreshed) {
  DecoderConfig config;
  config.template_timeout_s = 100;
  DecodeHarness h(config);
  h.feed(V9Packet().export_time(1000).template_set(256, {V4_FIELDS}).build());
  EXPECT_EQ(h.feed(V9Packet().export_time(1100).data_set(256, v4_record("10.0.0.1", "10.0.0.2")).build()).size(), 1u);
  EXPECT_TRUE(h.feed(V9Packet().export_time(1101).data_set(256, v4_record("10.0.0.1", "10.0.0.2")).build()).empty());
  EXPECT_EQ(h.count(DecodeCounter::template_expired), 1u);
  EXPECT_EQ(h.decoder.templates().size(), 0u);
}

TEST(NetflowV9, UptimeRelativeTimesUseTheHeader) {
  DecodeHarness h;
  auto recs = h.feed(V9Packet().sys_uptime(50000).export_time(1700000000)
                         .template_set(256, {{8, 4}, {12, 4}, {22, 4}, {21, 4}})
                         .data_set(256, Bytes().ipv4("10.0.0.1").ipv4("10.0.0.2").u32(40000).u32(45000))
                         .build());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].start_ms, 1700000000000 - 10000);
  EXPECT_EQ(recs[0].end_ms, 1700000000000 - 5000);
}

TEST(NetflowV9, OptionsDataSetsSamplingPerSamplerAndDomain) {
  DecodeHarness h;
  // Cisco: scope system, FLOW_SAMPLER_ID, FLOW_SAMPLER_MODE, FLOW_SAMPLER_RANDOM_INTERVAL.
  h.feed(V9Packet().domain(3)
             .options_template_set(257, 1, {{1, 4}, {48, 1}, {49, 1}, {50, 4}})
             .data_set(257, Bytes().u32(0).u8(7).u8(2).u32(1000), 2)  // padded
             .options_template_set(258, 1, {{1, 4}, {34, 4}})
             .data_set(258, Bytes().u32(0).u32(64))
             .build());
  EXPECT_EQ(h.count(DecodeCounter::options_record), 2u);
  auto recs = h.feed(V9Packet().domain(3)
                         .template_set(256, {V4_FIELDS, {48, 1}})
                         .template_set(259, {V4_FIELDS})
                         .data_set(256, v4_record("10.0.0.1", "10.0.0.2").u8(7))
                         .data_set(259, v4_record("10.0.0.1", "10.0.0.2"))
                         .build());
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].sampling, 1000u);  // sampler 7
  EXPECT_EQ(recs[1].sampling, 64u);    // the domain's interval
  // Another source id knows nothing of it.
  recs = h.feed(V9Packet().domain(4).template_set(259, {V4_FIELDS})
                    .data_set(259, v4_record("10.0.0.1", "10.0.0.2")).build());
  EXPECT_EQ(recs[0].sampling, 1u);
}

TEST(NetflowV9, CiscoNselCountersAndEvents) {
  DecodeHarness h;
  auto recs = h.feed(V9Packet()
      .template_set(263, {{8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1}, {233, 1}, {33002, 2},
                          {231, 4}, {232, 4}, {298, 8}, {299, 8}, {152, 8}, {323, 8}})
      .data_set(263, Bytes().ipv4("10.0.0.1").ipv4("10.0.0.2").u16(40000).u16(22).u8(6)
                         .u8(2).u16(2030).u32(1200).u32(5400).u64(10).u64(12)
                         .u64(1700000000123).u64(1700000009000))
      .build());
  ASSERT_EQ(recs.size(), 1u);
  const FlowRecord& r = recs[0];
  EXPECT_TRUE(r.has_firewall_event);
  EXPECT_EQ(r.firewall_event, 2);  // flow deleted
  EXPECT_EQ(r.bytes, 1200u);
  EXPECT_EQ(r.packets, 10u);
  EXPECT_TRUE(r.has_reverse);
  EXPECT_EQ(r.rev_bytes, 5400u);
  EXPECT_EQ(r.rev_packets, 12u);
  EXPECT_EQ(r.start_ms, 1700000000123);
  EXPECT_EQ(r.end_ms, 1700000000123);  // no end field: the start stands in
}

TEST(NetflowV9, CountsLostExportPackets) {
  DecodeHarness h;
  h.feed(V9Packet().sequence(10).build());
  h.feed(V9Packet().sequence(11).build());
  h.feed(V9Packet().sequence(15).build());
  EXPECT_EQ(h.count(DecodeCounter::v9_packets_lost), 3u);
}

TEST(Ipfix, EveryTimestampFormBecomesEpochMilliseconds) {
  constexpr uint64_t kNtp = 2208988800ULL + 1700000000ULL;  // 1700000000 s in NTP seconds
  const struct {
    const char* description;
    uint16_t start_id, end_id, length;
    uint64_t start, end;
    int64_t start_ms, end_ms;
  } cases[] = {
      {"seconds", 150, 151, 4, 1700000000, 1700000002, 1700000000000, 1700000002000},
      {"milliseconds", 152, 153, 8, 1700000000123, 1700000000456, 1700000000123, 1700000000456},
      {"microseconds (NTP)", 154, 155, 8, kNtp << 32 | 0x80000000, (kNtp + 1) << 32,
       1700000000500, 1700000001000},
      {"nanoseconds (NTP)", 156, 157, 8, kNtp << 32 | 0x40000000, kNtp << 32 | 0xc0000000,
       1700000000250, 1700000000750},
      {"delta microseconds before export", 158, 159, 4, 3000000, 1500000,
       1700000010000 - 3000, 1700000010000 - 1500},
  };
  for (const auto& c : cases) {
    DecodeHarness h;
    auto recs = h.feed(IpfixPacket().export_time(1700000010)
                           .template_set(256, {{8, 4}, {12, 4}, {c.start_id, c.length}, {c.end_id, c.length}})
                           .data_set(256, Bytes().ipv4("10.0.0.1").ipv4("10.0.0.2")
                                              .uint(c.start, c.length).uint(c.end, c.length))
                           .build());
    ASSERT_EQ(recs.size(), 1u) << c.description;
    EXPECT_EQ(recs[0].start_ms, c.start_ms) << c.description;
    EXPECT_EQ(recs[0].end_ms, c.end_ms) << c.description;
  }
}

TEST(Ipfix, UptimeTimesNeedTheSystemInitTimeFromOptions) {
  DecodeHarness h;
  const auto data = [] {
    return IpfixPacket().template_set(256, {{8, 4}, {12, 4}, {22, 4}, {21, 4}})
        .data_set(256, Bytes().ipv4("10.0.0.1").ipv4("10.0.0.2").u32(1000).u32(3000));
  };
  auto recs = h.feed(data().build());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].start_ms, 1700000000000);  // unknown base: export time
  EXPECT_EQ(h.count(DecodeCounter::time_base_unknown), 1u);
  // softflowd: options with systemInitTimeMilliseconds, scoped by meteringProcessId.
  recs = h.feed(IpfixPacket().options_template_set(257, 1, {{143, 4}, {160, 8}})
                    .data_set(257, Bytes().u32(1).u64(1690000000000))
                    .template_set(256, {{8, 4}, {12, 4}, {22, 4}, {21, 4}})
                    .data_set(256, Bytes().ipv4("10.0.0.1").ipv4("10.0.0.2").u32(1000).u32(3000))
                    .build());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].start_ms, 1690000001000);
  EXPECT_EQ(recs[0].end_ms, 1690000003000);
}

TEST(Ipfix, VariableLengthAndEnterpriseFieldsAreSkippedSafely) {
  DecodeHarness h;
  std::vector<uint8_t> long_string(300, 'x');
  auto recs = h.feed(IpfixPacket()
      .template_set(256, {{8, 4}, {96, 0xffff}, {12, 4}, {100, 4, 9}, {82, 0xffff}, {2, 4}})
      .data_set(256, Bytes().ipv4("10.0.0.1").varlen({'s', 's', 'h'}).ipv4("10.0.0.2")
                         .u32(0xdeadbeef).varlen(long_string).u32(42)
                         .ipv4("10.0.0.3").varlen({}).ipv4("10.0.0.4").u32(1).varlen({'a'}).u32(43),
                3)  // set padding
      .build());
  ASSERT_EQ(recs.size(), 2u);
  EXPECT_EQ(recs[0].dst.to_string(), "10.0.0.2");
  EXPECT_EQ(recs[0].packets, 42u);
  EXPECT_EQ(recs[1].src.to_string(), "10.0.0.3");
  EXPECT_EQ(recs[1].packets, 43u);
  EXPECT_EQ(h.count(DecodeCounter::record_truncated), 0u);
}

std::vector<uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

// What signatures scan in IPFIX: string fields as sent, packet sections as the transport
// payload they hold (after the TCP header, options and all), variable length or fixed.
TEST(Ipfix, StringFieldsAndPacketSectionsAreOfferedForScanning) {
  const auto http = bytes_of("GET / HTTP/1.1\r\n");
  auto tcp_segment = [](uint8_t option_words, const std::vector<uint8_t>& payload) {
    Bytes b;
    b.u16(40000).u16(80).u32(1).u32(0).u8(static_cast<uint8_t>((5 + option_words) << 4)).u8(0x18).u16(1024)
        .u32(0).zeros(size_t{option_words} * 4).raw(payload);
    return b.data;
  };
  DecodeHarness h;
  auto recs = h.feed(IpfixPacket()
      .template_set(256, {{8, 4}, {12, 4}, {4, 1}, {96, 0xffff}, {468, 0xffff}, {314, 0xffff}})
      .template_set(257, {{8, 4}, {12, 4}, {4, 1}, {460, 16}, {315, 70}})
      .data_set(256, Bytes().ipv4("10.0.0.1").ipv4("10.0.0.2").u8(6).varlen(bytes_of("ssh"))
                         .varlen(bytes_of("Mozilla/5.0 zgrab/0.x")).varlen(tcp_segment(3, http)))
      .data_set(257, Bytes().ipv4("10.0.0.3").ipv4("10.0.0.4").u8(6).raw(bytes_of(std::string_view("www.example.com\0", 16)))
                         .raw([&] {
                           auto frame = testing::FrameBuilder().ipv4("10.0.0.3", "10.0.0.4", 6, 1500)
                                            .tcp(40000, 80, 0x18).payload("GET /").build();
                           frame.resize(70, 0);
                           return frame;
                         }()))
      .build());
  ASSERT_EQ(recs.size(), 2u);
  ASSERT_EQ(h.spans.size(), 2u);
  const auto& a = h.spans[0];
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].target, ScanTarget::kApplicationName);
  EXPECT_EQ(a[0].bytes, "ssh");
  EXPECT_EQ(a[1].target, ScanTarget::kHttpUserAgent);
  EXPECT_EQ(a[1].bytes, "Mozilla/5.0 zgrab/0.x");
  EXPECT_EQ(a[2].target, ScanTarget::kPayload);
  EXPECT_EQ(a[2].bytes, "GET / HTTP/1.1\r\n") << "ipPayloadPacketSection: after the TCP header and options";
  const auto& b = h.spans[1];
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[0].target, ScanTarget::kHttpHost);
  EXPECT_EQ(b[0].bytes, std::string("www.example.com\0", 16));
  EXPECT_EQ(b[1].target, ScanTarget::kPayload);
  EXPECT_EQ(b[1].bytes.substr(0, 5), "GET /") << "dataLinkFrameSection: after Ethernet, IPv4 and TCP";
  EXPECT_EQ(recs[1].src.to_string(), "10.0.0.3") << "the section never overrides the record's own fields";
}

TEST(Ipfix, VariableLengthFieldPastTheSetEndStopsTheSet) {
  DecodeHarness h;
  auto recs = h.feed(IpfixPacket().template_set(256, {{8, 4}, {12, 4}, {96, 0xffff}})
                         .data_set(256, Bytes().ipv4("10.0.0.1").ipv4("10.0.0.2").u8(250).zeros(4))
                         .build());
  EXPECT_TRUE(recs.empty());
  EXPECT_EQ(h.count(DecodeCounter::record_truncated), 1u);
}

TEST(Ipfix, BiflowReverseFieldsOfRfc5103) {
  DecodeHarness h;
  auto recs = h.feed(IpfixPacket()
      .template_set(256, {V4_FIELDS, {2, 8, kReversePen}, {1, 8, kReversePen}, {6, 1, kReversePen}})
      .data_set(256, v4_record("10.0.0.1", "10.0.0.2").u64(4).u64(900).u8(0x12))
      .build());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_TRUE(recs[0].has_reverse);
  EXPECT_EQ(recs[0].rev_packets, 4u);
  EXPECT_EQ(recs[0].rev_bytes, 900u);
  EXPECT_EQ(recs[0].rev_tcp_flags, 0x12);
  EXPECT_EQ(recs[0].tcp_flags, 0x02);
}

TEST(Ipfix, TemplateWithdrawalOneAndAll) {
  DecodeHarness h;
  h.feed(IpfixPacket().template_set(256, {V4_FIELDS}).template_set(257, {V4_FIELDS})
             .template_set(258, {V4_FIELDS}).build());
  EXPECT_EQ(h.decoder.templates().size(), 3u);
  h.feed(IpfixPacket().withdraw(256).build());
  EXPECT_EQ(h.decoder.templates().size(), 2u);
  EXPECT_TRUE(h.feed(IpfixPacket().data_set(256, v4_record("10.0.0.1", "10.0.0.2")).build()).empty());
  h.feed(IpfixPacket().withdraw(2).build());  // all templates of the domain
  EXPECT_EQ(h.decoder.templates().size(), 0u);
  EXPECT_EQ(h.count(DecodeCounter::template_withdrawn), 3u);
}

TEST(Ipfix, SamplingFromSelectorOptions) {
  DecodeHarness h;
  // selectorId 5: take 1 packet, skip 99 (RFC 5476 systematic count-based).
  h.feed(IpfixPacket().options_template_set(400, 1, {{302, 4}, {305, 4}, {306, 4}})
             .data_set(400, Bytes().u32(5).u32(1).u32(99)).build());
  auto recs = h.feed(IpfixPacket().template_set(256, {V4_FIELDS, {302, 4}})
                         .data_set(256, v4_record("10.0.0.1", "10.0.0.2").u32(5)).build());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].sampling, 100u);
  EXPECT_EQ(recs[0].bytes, 300u) << "octets are never scaled";
}

TEST(Ipfix, IPv6RecordsAndIcmpTypeCode) {
  DecodeHarness h;
  auto recs = h.feed(IpfixPacket().template_set(256, {{27, 16}, {28, 16}, {4, 1}, {139, 2}, {2, 4}})
                         .data_set(256, Bytes().ipv6("2001:db8::1").ipv6("2001:db8::2").u8(58)
                                            .u16(128 << 8).u32(1))
                         .build());
  ASSERT_EQ(recs.size(), 1u);
  EXPECT_EQ(recs[0].src.to_string(), "2001:db8::1");
  EXPECT_TRUE(recs[0].has_icmp);
  EXPECT_EQ(recs[0].icmp_type, 128);
}

TEST(Ipfix, TemplateWithBothAddressFamiliesUsesTheOneInUse) {
  DecodeHarness h;
  auto recs = h.feed(IpfixPacket()
      .template_set(256, {{8, 4}, {12, 4}, {27, 16}, {28, 16}, {2, 4}})
      .template_set(257, {{8, 4}, {12, 4}, {27, 16}, {28, 16}, {60, 1}})
      .data_set(256, Bytes().ipv4("0.0.0.0").ipv4("0.0.0.0").ipv6("2001:db8::1").ipv6("2001:db8::2").u32(1)
                         .raw(Bytes().ipv4("10.0.0.1").ipv4("10.0.0.2").ipv6("::").ipv6("::").u32(2)))
      .data_set(257, Bytes().ipv4("10.0.0.1").ipv4("10.0.0.2").ipv6("2001:db8::5").ipv6("2001:db8::6").u8(6))
      .build());
  ASSERT_EQ(recs.size(), 3u);
  EXPECT_EQ(recs[0].src.to_string(), "2001:db8::1");
  EXPECT_EQ(recs[1].src.to_string(), "10.0.0.1");
  EXPECT_EQ(recs[2].dst.to_string(), "2001:db8::6") << "ipVersion 6 decides";
}

TEST(Ipfix, SequenceCountsLostRecordsAndLearnsTheSoftflowdHabit) {
  DecodeHarness rfc;
  rfc.feed(IpfixPacket().sequence(0).template_set(256, {V4_FIELDS})
               .data_set(256, v4_record("10.0.0.1", "10.0.0.2").raw(v4_record("10.0.0.1", "10.0.0.2"))).build());
  rfc.feed(IpfixPacket().sequence(2).data_set(256, v4_record("10.0.0.1", "10.0.0.2")).build());
  EXPECT_EQ(rfc.count(DecodeCounter::ipfix_records_lost), 0u);
  rfc.feed(IpfixPacket().sequence(8).data_set(256, v4_record("10.0.0.1", "10.0.0.2")).build());
  EXPECT_EQ(rfc.count(DecodeCounter::ipfix_records_lost), 5u);

  // softflowd numbers each message with the count after it: 2, 3, 4 ... 
  DecodeHarness sf;
  sf.feed(IpfixPacket().sequence(2).template_set(256, {V4_FIELDS})
              .data_set(256, v4_record("10.0.0.1", "10.0.0.2").raw(v4_record("10.0.0.1", "10.0.0.2"))).build());
  sf.feed(IpfixPacket().sequence(3).data_set(256, v4_record("10.0.0.1", "10.0.0.2")).build());
  sf.feed(IpfixPacket().sequence(4).data_set(256, v4_record("10.0.0.1", "10.0.0.2")).build());
  EXPECT_EQ(sf.count(DecodeCounter::ipfix_records_lost), 0u);
  EXPECT_EQ(sf.count(DecodeCounter::sequence_reset), 0u);
  sf.feed(IpfixPacket().sequence(8).data_set(256, v4_record("10.0.0.1", "10.0.0.2")).build());
  EXPECT_EQ(sf.count(DecodeCounter::ipfix_records_lost), 3u);
}

// Found by fuzz_decode_v9: an 8-byte flowStartSeconds overflowed the conversion to
// milliseconds. Times of any width are clamped to the last millisecond of year 9999.
TEST(Ipfix, TimesOfAnyWidthAreClampedNotOverflowed) {
  DecodeHarness h;
  h.feed(IpfixPacket()
             .template_set(256, {{8, 4}, {12, 4}, {4, 1}, {150, 8}, {153, 8}})
             .data_set(256, Bytes().ipv4("192.0.2.1").ipv4("198.51.100.2").u8(6).u64(~0ULL).u64(~0ULL))
             .build());
  ASSERT_EQ(h.records.size(), 1u);
  EXPECT_EQ(h.records[0].start_ms, kLatestEpochMs / 1000 * 1000);  // flowStartSeconds: whole seconds
  EXPECT_EQ(h.records[0].end_ms, kLatestEpochMs);
}

// An event record's observation time of any width is clamped too: an 8-byte
// observationTimeSeconds of all ones wrapped to -1000 ms (found by fuzz_ipfix_differential).
TEST(Ipfix, ObservationTimesAreClampedNotWrapped) {
  DecodeHarness h;
  h.feed(IpfixPacket()
             .template_set(256, {{8, 4}, {12, 4}, {322, 8}})
             .template_set(257, {{8, 4}, {12, 4}, {323, 8}})
             .data_set(256, Bytes().ipv4("192.0.2.1").ipv4("198.51.100.2").u64(~0ULL))
             .data_set(257, Bytes().ipv4("192.0.2.1").ipv4("198.51.100.2").u64(~0ULL))
             .build());
  ASSERT_EQ(h.records.size(), 2u);
  EXPECT_EQ(h.records[0].start_ms, kLatestEpochMs / 1000 * 1000);
  EXPECT_EQ(h.records[1].start_ms, kLatestEpochMs);
  EXPECT_EQ(h.records[1].end_ms, kLatestEpochMs);
}

// RFC 7011 3.2: with the enterprise bit set the element is enterprise-specific, even
// under the reserved enterprise number 0; it is skipped, not read as the IANA element of
// the same id (found by fuzz_ipfix_differential).
TEST(Ipfix, AnEnterpriseFieldIsNeverTheIanaElement) {
  DecodeHarness h;
  h.feed(IpfixPacket()
             .raw_set(2, Bytes().u16(256).u16(3).u16(8).u16(4).u16(12).u16(4)
                          .u16(0x8000 | 7).u16(2).u32(0))
             .data_set(256, Bytes().ipv4("192.0.2.1").ipv4("198.51.100.2").u16(4444))
             .build());
  ASSERT_EQ(h.records.size(), 1u);
  EXPECT_EQ(h.records[0].src_port, 0);
}

struct MalformedCase {
  const char* description;
  std::vector<uint8_t> payload;
  DecodeCounter expected;
};

TEST(Templated, MalformedInputGetsANamedReason) {
  Bytes too_wide;
  too_wide.u16(256).u16(200);
  for (int i = 0; i < 200; ++i) too_wide.u16(8 + (i % 2) * 4).u16(4);  // 200 known fields
  const MalformedCase cases[] = {
      {"v9 header cut", {0, 9, 0, 1, 0, 0}, DecodeCounter::v9_truncated_header},
      {"IPFIX header cut", {0, 10, 0, 16}, DecodeCounter::ipfix_truncated_header},
      {"IPFIX length beyond datagram", IpfixPacket().length_override(200).build(),
       DecodeCounter::ipfix_bad_length},
      {"IPFIX length below header", IpfixPacket().length_override(8).build(),
       DecodeCounter::ipfix_bad_length},
      {"set length past the end", IpfixPacket().raw(Bytes().u16(256).u16(100).zeros(8)).build(),
       DecodeCounter::set_truncated},
      {"set length below 4", V9Packet().raw(Bytes().u16(256).u16(2).zeros(8)).build(),
       DecodeCounter::set_truncated},
      {"reserved set id", IpfixPacket().raw_set(7, Bytes().zeros(4)).build(),
       DecodeCounter::set_id_reserved},
      {"v9 template without fields", V9Packet().raw_set(0, Bytes().u16(256).u16(0)).build(),
       DecodeCounter::template_malformed},
      {"template id below 256", V9Packet().template_set(12, {{8, 4}}).build(),
       DecodeCounter::template_malformed},
      {"template fields cut", V9Packet().raw_set(0, Bytes().u16(256).u16(5).u16(8).u16(4)).build(),
       DecodeCounter::template_malformed},
      {"IPFIX options template scope 0", IpfixPacket().raw_set(3, Bytes().u16(256).u16(1).u16(0).u16(8).u16(4)).build(),
       DecodeCounter::template_malformed},
      {"v9 options lengths not multiples of 4", V9Packet().raw_set(1, Bytes().u16(256).u16(3).u16(4).zeros(8)).build(),
       DecodeCounter::template_malformed},
      {"template wider than the limit", V9Packet().raw_set(0, too_wide).build(),
       DecodeCounter::template_too_many_fields},
      {"address field of length 3", V9Packet().template_set(256, {{8, 3}, {12, 4}}).build(),
       DecodeCounter::template_bad_field_length},
      // Found by fuzz_decode_v9: records of no bytes made a data set that never ended.
      {"v9 template of zero-length fields", V9Packet().template_set(256, {{8, 0}, {12, 0}}).data_set(256, Bytes().zeros(8)).build(),
       DecodeCounter::template_malformed},
      {"IPFIX template of zero-length fields", IpfixPacket().template_set(256, {{2, 0}}).data_set(256, Bytes().zeros(8)).build(),
       DecodeCounter::template_malformed},
      {"record without addresses", IpfixPacket().template_set(256, {{2, 4}}).data_set(256, Bytes().u32(1)).build(),
       DecodeCounter::record_not_a_flow},
      {"unknown version", {0, 7, 0, 0}, DecodeCounter::unknown_export_version},
      {"empty payload", {}, DecodeCounter::unknown_export_version},
  };
  for (const auto& c : cases) {
    DecodeHarness h;
    h.feed(c.payload);
    EXPECT_GE(h.count(c.expected), 1u) << c.description << ": expected " << counter_name(c.expected);
    EXPECT_TRUE(h.records.empty()) << c.description;
  }
}

TEST(Templated, TemplateTableIsBoundedAndEvictsTheStalest) {
  DecoderConfig config;
  config.template_capacity = 8;
  config.templates_per_exporter = 5;
  DecodeHarness h(config);
  for (uint16_t id = 256; id < 266; ++id)
    h.feed(V9Packet().export_time(1000 + id).template_set(id, {V4_FIELDS}).build());
  EXPECT_EQ(h.decoder.templates().size(), 5u);
  EXPECT_EQ(h.count(DecodeCounter::template_exporter_limit), 5u);
  for (uint16_t id = 256; id < 266; ++id)
    h.feed(V9Packet().export_time(2000 + id).template_set(id, {V4_FIELDS}).build(), "192.0.2.20");
  EXPECT_EQ(h.decoder.templates().size(), 8u);  // never more than the capacity
  EXPECT_GE(h.count(DecodeCounter::template_table_full), 2u);
}

}  // namespace
}  // namespace synwatch::decode
