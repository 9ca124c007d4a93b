// What signatures cost per sampled packet, on one core, with the shipped rule pack
// (deploy/signatures/default.yaml):
//   BM_ScanPayload/KIND: one Hyperscan scan of a sampled packet's payload (what a
//     128-byte sFlow header leaves after Ethernet, IPv4 and TCP: 74 bytes), by what the
//     payload is: mid-transfer data (most samples), an HTTP request, an SSH banner.
//   BM_SflowDecode/0 and /1: sFlow datagrams of 6 samples with HTTP and bulk payloads,
//     decoded alone (0) and decoded, staged and scanned the way a worker does (1): the
//     difference is the cost of signatures per sampled packet, copying included.
// Figures: samples per second.
//
//   ./build/perf/signature_bench --benchmark_min_time=2 --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <random>

#include "control/config/synwatch_config.h"
#include "dataplane/decode/decoder.h"
#include "dataplane/signature/scan_stage.h"
#include "dataplane/signature/signature_scanner.h"
#include "tests/support/export_builder.h"

namespace synwatch {
namespace {

std::shared_ptr<const signature::SignatureSet> shipped_pack() {
  config::SynwatchConfig config;
  const std::string yaml =
      "signatures:\n  rule_files: [" SYNWATCH_SOURCE_DIR "/deploy/signatures/default.yaml]\n";
  if (std::string error = config::parse_config(yaml, config); !error.empty()) {
    std::fprintf(stderr, "signature_bench: %s\n", error.c_str());
    std::abort();
  }
  std::string error;
  auto set = signature::SignatureSet::compile(config.signatures, 1, error, true);
  if (!set) std::abort();
  return set;
}

const std::shared_ptr<const signature::SignatureSet>& pack() {
  static const auto set = shipped_pack();
  return set;
}

std::string random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s)
    c = static_cast<char>(rng());
  return s;
}

constexpr size_t kPayload = 74;  // 128-byte header - 14 Ethernet - 20 IPv4 - 20 TCP

std::string payload_of(int kind) {
  std::string s;
  switch (kind) {
    case 0:
      s = random_bytes(kPayload, 7);
      break;
    case 1:
      s = "GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: curl/7.88.1\r\nAccept: "
          "*/*";
      break;
    default:
      s = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n" + random_bytes(kPayload, 9);
      break;
  }
  s.resize(kPayload);
  return s;
}

void BM_ScanPayload(benchmark::State& state) {
  signature::SignatureScanner scanner;
  scanner.use(pack().get(), 0);
  const std::string payload = payload_of(static_cast<int>(state.range(0)));
  decode::RecordSpans spans;
  spans.add(decode::ScanTarget::kPayload, reinterpret_cast<const uint8_t*>(payload.data()),
            static_cast<uint32_t>(payload.size()));
  uint64_t labels = 0;
  for (auto _ : state)
    labels += scanner.scan(spans);
  benchmark::DoNotOptimize(labels);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetLabel(state.range(0) == 0   ? "bulk data"
                 : state.range(0) == 1 ? "HTTP request"
                                       : "SSH banner");
}
BENCHMARK(BM_ScanPayload)->Arg(0)->Arg(1)->Arg(2);

// Decodes into a sink that, when `scan` is set, stages and scans as Worker does.
class WorkerLikeSink : public decode::RecordSink {
 public:
  explicit WorkerLikeSink(bool scan) {
    if (scan) scanner_.use(pack().get(), 0);
  }
  void on_record(const decode::FlowRecord& r) override { stage_.take(r, nullptr, scanner_, route_); }
  void on_record_with_spans(const decode::FlowRecord& r, const decode::RecordSpans& s) override {
    stage_.take(r, &s, scanner_, route_);
  }
  void end_burst() { stage_.end_burst(scanner_, route_); }
  uint64_t sum = 0;

 private:
  struct Route {
    uint64_t* sum;
    void operator()(const decode::FlowRecord& r) const { *sum += r.dst_port + r.label; }
  };
  signature::SignatureScanner scanner_;
  signature::ScanStage stage_;
  Route route_{&sum};
};

void BM_SflowDecode(benchmark::State& state) {
  constexpr size_t kSamples = 6, kDatagramsPerBurst = 32;
  testing::SflowDatagram d;
  for (size_t i = 0; i < kSamples; ++i) {
    const std::string payload = payload_of(i % 3 == 1 ? 1 : 0);
    const auto frame = testing::FrameBuilder()
                           .ipv4("203.0.113.5", "198.51.100.10", 6, 1500)
                           .tcp(static_cast<uint16_t>(40000 + i), 80, 0x18)
                           .payload(payload)
                           .build();
    d.flow_sample(testing::SflowFlowSample().rate(1024).raw_header(frame));
  }
  const auto packet = d.build();
  decode::Decoder decoder{decode::DecoderConfig{}};
  decode::ExportContext ctx;
  wire::IpAddress::parse("192.0.2.10", ctx.exporter);
  ctx.receive_ms = 1700000000000;
  WorkerLikeSink sink(state.range(0) != 0);
  for (auto _ : state) {
    for (size_t i = 0; i < kDatagramsPerBurst; ++i)
      decoder.decode(ctx, packet.data(), packet.size(), sink);
    sink.end_burst();
  }
  benchmark::DoNotOptimize(sink.sum);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kDatagramsPerBurst * kSamples));
  state.SetLabel(state.range(0) != 0 ? "decode + stage + scan" : "decode only");
}
BENCHMARK(BM_SflowDecode)->Arg(0)->Arg(1);

}  // namespace
}  // namespace synwatch

BENCHMARK_MAIN();
