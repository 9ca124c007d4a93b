// Decoder throughput per core on realistic packets: 30-record NetFlow v5, 24-record
// NetFlow v9 and IPFIX (a typical router template of 19 fields), and 6-sample sFlow
// datagrams with 128-byte sampled headers. Figures: records (or samples) per second.
// BM_IpfixInterfaceRoles is BM_Ipfix with both interfaces named in options data and
// interface rules in force: the difference is what marking a record's roles costs.
//
//   ./build/perf/decode_bench --benchmark_min_time=2 --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include "dataplane/decode/decoder.h"
#include "tests/support/export_builder.h"

namespace synwatch {
namespace {

using testing::Bytes;
using testing::FrameBuilder;

class ChecksumSink : public decode::RecordSink {
 public:
  void on_record(const decode::FlowRecord& r) override { sum += r.packets + r.dst_port; }
  uint64_t sum = 0;
};

decode::ExportContext context() {
  decode::ExportContext ctx;
  wire::IpAddress::parse("192.0.2.10", ctx.exporter);
  ctx.receive_ms = 1700000000000;
  return ctx;
}

void run(benchmark::State& state, decode::Decoder& decoder,
         const std::vector<uint8_t>& packet, size_t records_per_packet) {
  const auto ctx = context();
  ChecksumSink sink;
  for (auto _ : state) decoder.decode(ctx, packet.data(), packet.size(), sink);
  benchmark::DoNotOptimize(sink.sum);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * records_per_packet));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * packet.size()));
}

void BM_NetflowV5(benchmark::State& state) {
  testing::V5Packet p;
  for (int i = 0; i < 30; ++i) {
    testing::V5Flow f;
    f.sport = static_cast<uint16_t>(40000 + i);
    p.flow(f);
  }
  decode::Decoder decoder{decode::DecoderConfig{}};
  run(state, decoder, p.build(), 30);
}
BENCHMARK(BM_NetflowV5);

// IPv4 router template: addresses, next hop, ports, protocol, flags, ToS, interfaces,
// counters, first/last switched (v9) or milliseconds (IPFIX), AS numbers, masks.
Bytes router_record(int i, bool ipfix) {
  Bytes b;
  b.ipv4("198.51.100.7").ipv4("203.0.113.9").ipv4("192.0.2.1").u16(40000 + i).u16(443).u8(6)
      .u8(0x1b).u8(0).u32(3).u32(5).u64(12).u64(4000);
  if (ipfix) {
    b.u64(1700000000000).u64(1700000000500);
  } else {
    b.u32(99000).u32(99500);
  }
  return b.u32(64500).u32(64501).u8(24).u8(24).u8(0);
}

std::vector<uint8_t> router_packet(bool ipfix, bool with_template) {
  auto p = ipfix ? testing::IpfixPacket() : testing::V9Packet();
  const uint16_t start = ipfix ? 152 : 22, end = ipfix ? 153 : 21;
  const uint16_t time_length = ipfix ? 8 : 4;
  if (with_template)
    p.template_set(256, {{8, 4}, {12, 4}, {15, 4}, {7, 2}, {11, 2}, {4, 1}, {6, 1}, {5, 1},
                         {10, 4}, {14, 4}, {2, 8}, {1, 8}, {start, time_length},
                         {end, time_length}, {16, 4}, {17, 4}, {9, 1}, {13, 1}, {61, 1}});
  Bytes data;
  for (int i = 0; i < 24; ++i) data.raw(router_record(i, ipfix));
  p.data_set(256, data);
  return p.build();
}

void templated(benchmark::State& state, bool ipfix) {
  decode::Decoder decoder{decode::DecoderConfig{}};
  const auto ctx = context();
  ChecksumSink warmup;
  const auto with_template = router_packet(ipfix, true);
  decoder.decode(ctx, with_template.data(), with_template.size(), warmup);
  run(state, decoder, router_packet(ipfix, false), 24);
}
void BM_NetflowV9(benchmark::State& state) { templated(state, false); }
void BM_Ipfix(benchmark::State& state) { templated(state, true); }
BENCHMARK(BM_NetflowV9);
BENCHMARK(BM_Ipfix);

// Tells a role once per interface, as the signature scanner does; what is measured is
// the per-record look-up of the two interfaces' roles.
class NameClassifier : public decode::InterfaceClassifier {
 public:
  bool classifies_interfaces() const override { return true; }
  uint32_t generation() const override { return 1; }
  decode::InterfaceRole classify(std::string_view name, std::string_view) override {
    return name == "transit" ? decode::InterfaceRole::kExternal : decode::InterfaceRole::kInternal;
  }
};

void BM_IpfixInterfaceRoles(benchmark::State& state) {
  decode::Decoder decoder{decode::DecoderConfig{}};
  NameClassifier classifier;
  decoder.use_interface_classifier(&classifier);
  const auto ctx = context();
  ChecksumSink warmup;
  Bytes names;
  names.u32(3).varlen({'t', 'r', 'a', 'n', 's', 'i', 't'}).u32(5).varlen({'l', 'a', 'n'});
  for (const auto& p : {testing::IpfixPacket().options_template_set(300, 1, {{10, 4}, {82, 0xffff}})
                            .data_set(300, names).build(),
                        router_packet(true, true)})
    decoder.decode(ctx, p.data(), p.size(), warmup);
  run(state, decoder, router_packet(true, false), 24);
}
BENCHMARK(BM_IpfixInterfaceRoles);

void BM_Sflow(benchmark::State& state) {
  testing::SflowDatagram d;
  for (int i = 0; i < 6; ++i) {
    auto frame = FrameBuilder().vlan(0x8100, 10)
                     .ipv4("198.51.100.7", "203.0.113.9", 6, 1500)
                     .tcp(static_cast<uint16_t>(40000 + i), 443, 0x10).payload(70).build();
    d.flow_sample(testing::SflowFlowSample().rate(1024).other_record(1001, 16).raw_header(frame));
  }
  decode::Decoder decoder{decode::DecoderConfig{}};
  run(state, decoder, d.build(), 6);
}
BENCHMARK(BM_Sflow);

}  // namespace
}  // namespace synwatch

BENCHMARK_MAIN();
