// Session join throughput per core: records updating a table that holds N live sessions
// (1e5 and 1e7), keys drawn at random so the table's memory is touched as in production.
// Also the flood case: every record a new session, evicting the oldest at capacity.
//
//   ./build/perf/session_bench --benchmark_min_time=2 --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <algorithm>
#include <iterator>
#include <vector>

#include "dataplane/session/session_table.h"

namespace synwatch::session {
namespace {

constexpr int64_t kT0 = 1700000000000;

class NullSink : public SessionSink {
 public:
  void on_session(const SessionEvent& e) override { n += e.c2s_packets; }
  uint64_t n = 0;
};

// Record i of the synthetic population: 10.x.y.z clients to 198.51.100.0/24 servers.
void fill(decode::FlowRecord& r, uint32_t i, uint8_t flags) {
  static const wire::IpAddress kExporter = wire::IpAddress::v4(0xc0000201);  // 192.0.2.1
  r.src = wire::IpAddress::v4(0x0a000000u + (i >> 8));
  r.dst = wire::IpAddress::v4(0xc6336400u + (i & 0xff));
  r.exporter = kExporter;
  r.src_port = static_cast<uint16_t>(1024 + (i * 7919) % 60000);
  r.dst_port = 443;
  r.proto = 6;
  r.tcp_flags = flags;
  r.packets = 10;
  r.bytes = 4000;
  r.start_ms = r.end_ms = r.export_ms = kT0;
}

decode::FlowRecord record(uint32_t i, uint8_t flags) {
  decode::FlowRecord r;
  fill(r, i, flags);
  return r;
}

// Steady state: N established sessions (SYN-ACK both ways, no FIN) updated in random
// order, 32 records a burst through apply_batch as the worker loop calls it (burst = 32)
// or one record at a time through apply (burst = 1). Records are built into one reused
// burst buffer, as the decoder hands them over, so only the table's own memory is cold.
void BM_SessionUpdate(benchmark::State& state) {
  const auto live = static_cast<uint32_t>(state.range(0));
  const auto burst = static_cast<size_t>(state.range(1));
  SessionConfig config;
  config.capacity = live + live / 4;
  NullSink sink;
  PerspectiveMap perspective(config.internal);
  SessionTable table(config, perspective, sink);
  for (uint32_t i = 0; i < live; ++i) table.apply(record(i, 0x12), kT0);
  decode::FlowRecord buffer[32];
  int64_t watermarks[32];
  std::fill(std::begin(watermarks), std::end(watermarks), kT0);
  uint64_t lcg = 42;
  for (auto _ : state) {
    for (size_t i = 0; i < burst; ++i) {
      lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
      fill(buffer[i], static_cast<uint32_t>((lcg >> 33) % live), 0x18);
    }
    if (burst == 1) {
      table.apply(buffer[0], kT0);
    } else {
      table.apply_batch(buffer, watermarks, burst);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * burst));
  state.counters["live_sessions"] = table.size();
  state.counters["bytes_per_session"] = static_cast<double>(SessionTable::kBytesPerSession);
}
BENCHMARK(BM_SessionUpdate)
    ->ArgNames({"live", "burst"})
    ->Args({100'000, 32})
    ->Args({10'000'000, 32})
    ->Args({100'000, 1})
    ->Args({10'000'000, 1});

// What building the records alone costs inside BM_SessionUpdate's loop, to subtract.
void BM_RecordFillOnly(benchmark::State& state) {
  decode::FlowRecord buffer[32];
  uint64_t lcg = 42;
  for (auto _ : state) {
    for (auto& r : buffer) {
      lcg = lcg * 6364136223846793005ULL + 1442695040888963407ULL;
      fill(r, static_cast<uint32_t>((lcg >> 33) % 100'000), 0x18);
    }
    benchmark::DoNotOptimize(buffer);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * 32));
}
BENCHMARK(BM_RecordFillOnly);

// Flood: every record a new spoofed SYN; at capacity each one evicts and decides the oldest.
void BM_SessionFloodAtCapacity(benchmark::State& state) {
  SessionConfig config;
  config.capacity = 1'000'000;
  NullSink sink;
  PerspectiveMap perspective(config.internal);
  SessionTable table(config, perspective, sink);
  uint32_t i = 0;
  decode::FlowRecord r;
  for (auto _ : state) {
    fill(r, i++, 0x02);
    r.src_port = static_cast<uint16_t>(i);
    table.apply(r, kT0 + i / 1000);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SessionFloodAtCapacity)->Iterations(3'000'000);

}  // namespace
}  // namespace synwatch::session

BENCHMARK_MAIN();
