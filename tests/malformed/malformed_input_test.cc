// Hostile input: every export packet of every capture cut at every offset, bytes
// flipped at random, lengths and counts lying, template floods. The decoder must never
// crash or read out of bounds (this suite also runs under ASan + UBSan), never produce
// more records than the intact packet, keep every table within its bound, and name
// what it dropped.
#include <gtest/gtest.h>

#include <random>

#include "tests/support/capture_datagrams.h"
#include "tests/support/decode_harness.h"
#include "tests/support/export_builder.h"
#include "tests/support/test_data.h"

namespace synwatch {
namespace {

namespace fs = std::filesystem;
using decode::DecodeCounter;
using testing::Bytes;
using testing::DecodeHarness;

std::vector<fs::path> all_captures() {
  auto captures = testing::export_captures_in(testing::bundled_captures_dir());
  for (auto& c : testing::export_captures_in(testing::shared_flows_dir())) captures.push_back(c);
  return captures;
}

// Small tables: a fresh decoder per cut must be cheap.
decode::DecoderConfig small_config() {
  decode::DecoderConfig c;
  c.exporter_capacity = 4;
  c.template_capacity = 64;
  c.pending_slots = 8;
  return c;
}

uint64_t drops_and_events(const DecodeHarness& h) {
  uint64_t n = 0;
  for (uint64_t v : h.decoder.total_counters().values) n += v;
  return n;
}

// Each packet of each capture, cut at every length, decoded after the intact packets
// before it (so templates are known and the cut lands in data, templates and headers).
TEST(Malformed, TruncationAtEveryOffsetOfEveryCapturedPacket) {
  size_t packets = 0, cuts = 0;
  for (const auto& capture : all_captures()) {
    const auto pkts = testing::read_datagrams(capture);
    ASSERT_FALSE(pkts.empty()) << capture;
    // At most 12 packets per capture keeps the suite quick under sanitizers while
    // covering template packets (first) and data packets.
    const size_t n = std::min<size_t>(pkts.size(), 12);
    for (size_t i = 0; i < n; ++i) {
      DecodeHarness intact(small_config());
      for (size_t j = 0; j < i; ++j) intact.feed(pkts[j].payload, pkts[j].ctx.exporter.to_string());
      const size_t full = intact.feed(pkts[i].payload, pkts[i].ctx.exporter.to_string()).size();
      for (size_t cut = 0; cut < pkts[i].payload.size(); ++cut) {
        DecodeHarness h(small_config());
        for (size_t j = 0; j < i; ++j) h.feed(pkts[j].payload, pkts[j].ctx.exporter.to_string());
        const uint64_t before = drops_and_events(h);
        std::vector<uint8_t> truncated(pkts[i].payload.begin(),
                                       pkts[i].payload.begin() + static_cast<long>(cut));
        const size_t got = h.feed(truncated, pkts[i].ctx.exporter.to_string()).size();
        ASSERT_LE(got, full) << capture << " packet " << i << " cut at " << cut;
        // A cut that loses records must say so with some counter. (A cut exactly at a
        // record boundary of a v9/IPFIX set still breaks the set length: counted too.)
        if (got < full) {
          ASSERT_GT(drops_and_events(h), before) << capture << " packet " << i << " cut at " << cut;
        }
        ++cuts;
      }
      ++packets;
    }
  }
  EXPECT_GT(packets, 0u);
  RecordProperty("cuts", static_cast<int>(cuts));
}

// Random byte flips over real packets, deterministic seed.
TEST(Malformed, RandomByteFlipsNeverCrashAndStayBounded) {
  std::mt19937 rng(20261121);
  for (const auto& capture : all_captures()) {
    const auto pkts = testing::read_datagrams(capture);
    decode::DecoderConfig config;
    config.template_capacity = 64;
    config.exporter_capacity = 16;
    DecodeHarness h(config);
    for (int round = 0; round < 20; ++round) {
      for (const auto& p : pkts) {
        auto mutated = p.payload;
        const int flips = 1 + static_cast<int>(rng() % 4);
        for (int f = 0; f < flips && !mutated.empty(); ++f)
          mutated[rng() % mutated.size()] = static_cast<uint8_t>(rng());
        h.feed(mutated, p.ctx.exporter.to_string());
      }
      h.records.clear();
    }
    EXPECT_LE(h.decoder.templates().size(), 64u);
    EXPECT_LE(h.decoder.exporters().size(), 16u);
  }
}

TEST(Malformed, LengthsPastTheEndAndZeroLengthSets) {
  DecodeHarness h;
  // Zero-length set (length 4, empty body) is legal and harmless; length 0 is not.
  h.feed(testing::IpfixPacket().raw_set(256, Bytes()).build());
  EXPECT_EQ(drops_and_events(h), 0u);
  h.feed(testing::IpfixPacket().raw(Bytes().u16(256).u16(0)).build());
  EXPECT_EQ(h.count(DecodeCounter::set_truncated), 1u);
  h.feed(testing::V9Packet().raw(Bytes().u16(0).u16(0xffff).zeros(10)).build());
  EXPECT_EQ(h.count(DecodeCounter::set_truncated), 2u);
  // A template claiming 65535 fields in a short set.
  h.feed(testing::V9Packet().raw_set(0, Bytes().u16(256).u16(65535).u16(8).u16(4)).build());
  EXPECT_EQ(h.count(DecodeCounter::template_malformed), 1u);
  EXPECT_TRUE(h.records.empty());
}

// 10,000 exporters x 100 template ids = 1,000,000 template definitions against a table
// of 4096: memory stays at the bound, the flood is counted, and an exporter whose
// templates are refreshed keeps decoding.
TEST(Malformed, TemplateFloodStaysWithinTheTableBound) {
  decode::DecoderConfig config;
  config.template_capacity = 4096;
  config.exporter_capacity = 1024;
  DecodeHarness h(config);
  const auto good_template = testing::V9Packet().template_set(
      256, {{8, 4}, {12, 4}, {2, 4}});
  const auto good_data = testing::V9Packet().data_set(
      256, Bytes().ipv4("10.0.0.1").ipv4("10.0.0.2").u32(1));
  h.feed(good_template.build(), "192.0.2.1");
  size_t good_records = 0;
  for (uint32_t e = 0; e < 10000; ++e) {
    const std::string exporter = "10." + std::to_string(e / 256 % 256) + "." +
                                 std::to_string(e % 256) + ".1";
    auto flood = testing::V9Packet();
    for (uint16_t id = 0; id < 100; ++id) flood.template_set(static_cast<uint16_t>(300 + id), {{8, 4}, {12, 4}});
    h.feed(flood.build(), exporter);
    if (e % 100 == 0) {  // the real exporter refreshes its template and sends data
      h.feed(good_template.build(), "192.0.2.1");
      good_records += h.feed(good_data.build(), "192.0.2.1").size();
    }
  }
  EXPECT_EQ(good_records, 100u);
  EXPECT_LE(h.decoder.templates().size(), 4096u);
  EXPECT_LE(h.decoder.exporters().size(), 1024u);
  EXPECT_GT(h.count(DecodeCounter::template_table_full), 900000u);
  EXPECT_GT(h.count(DecodeCounter::exporter_table_full), 8000u);
}

}  // namespace
}  // namespace synwatch
