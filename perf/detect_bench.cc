// Cost of the detectors per decided session, on one core.
//
// BM_DetectShardSide: what a worker pays, ShardDetector::on_session (session facts,
// first-contact memory, the interval partial's capped tables), partials returned at once.
// BM_DetectTotal: the shard side plus the control side (merging each interval's partial
// and running the 11 detectors over it) spread over the sessions.
//
// The sessions: 1 M clients over 4,096 servers and 64 ports, 70 % established, 20 %
// refused or unanswered attempts, 10 % probes of many ports (scans); 100,000 sessions per
// 10 s interval of flow time (10,000 decided sessions per second per core).
//
// BM_DetectQuietInterval: the control side's fixed cost of an interval that holds a
// single session (a quiet link), which must not grow with the configured bounds.
//
//   ./build/perf/detect_bench --benchmark_min_time=2 --benchmark_repetitions=3
#include <benchmark/benchmark.h>

#include <vector>

#include "dataplane/detect/sharded_detection.h"

namespace synwatch::detect {
namespace {

constexpr int64_t kT0 = 1700000000000;
constexpr uint32_t kSessions = 1u << 20;
constexpr int64_t kSessionsPerSecond = 10000;

session::SessionEvent session_of(uint32_t i) {
  session::SessionEvent e;
  const uint32_t h = i * 2654435761u;
  e.client = wire::IpAddress::v4(0xcb007100u + (h >> 12));  // external clients
  e.server = wire::IpAddress::v4(0xc6336400u + (h & 0xfff));
  e.client_port = static_cast<uint16_t>(1024 + h % 60000);
  e.perspective = session::Perspective::kInbound;
  const uint32_t kind = h % 10;
  if (kind < 7) {  // established
    e.server_port = static_cast<uint16_t>(443 + (h >> 20) % 64);
    e.state = session::ConnState::SF;
    e.established = true;
    e.client_flags = e.server_flags = 0x1b;
    e.c2s_packets = e.s2c_packets = 10;
  } else if (kind < 9) {  // refused or unanswered
    e.server_port = static_cast<uint16_t>(443 + (h >> 20) % 64);
    e.failed = true;
    e.state = kind == 7 ? session::ConnState::REJ : session::ConnState::S0;
    e.client_flags = 0x02;
    e.server_flags = kind == 7 ? 0x14 : 0;
    e.c2s_packets = 1;
    e.s2c_packets = kind == 7 ? 1 : 0;
  } else {  // a scan probe: few scanners, many ports
    e.client = wire::IpAddress::v4(0xcb007100u + (h >> 28));
    e.server_port = static_cast<uint16_t>(1 + (h >> 8) % 4096);
    e.failed = true;
    e.state = session::ConnState::REJ;
    e.client_flags = 0x02;
    e.server_flags = 0x14;
    e.c2s_packets = e.s2c_packets = 1;
  }
  e.start_ms = e.end_ms = kT0 + int64_t{i} * 1000 / kSessionsPerSecond;
  e.decided_ms = e.end_ms;
  return e;
}

std::vector<session::SessionEvent> population() {
  std::vector<session::SessionEvent> out(kSessions);
  for (uint32_t i = 0; i < kSessions; ++i) out[i] = session_of(i);
  return out;
}

class NullAlerts : public AlertSink {
 public:
  void on_alert(const Alert&) override { ++alerts; }
  uint64_t alerts = 0;
};

// Takes partials and gives them straight back: the shard side alone.
class ReturnAtOnce : public PartialChannel {
 public:
  bool publish(uint32_t, IntervalPartial* p, int64_t) override {
    if (p != nullptr) back_.push_back(p);
    return true;
  }
  IntervalPartial* reclaim(uint32_t) override {
    if (back_.empty()) return nullptr;
    IntervalPartial* p = back_.back();
    back_.pop_back();
    return p;
  }

 private:
  std::vector<IntervalPartial*> back_;
};

// Feeds the population again and again, flow time running on across passes.
template <typename Sink>
void feed(benchmark::State& state, Sink& sink) {
  static const std::vector<session::SessionEvent> sessions = population();
  int64_t offset = 0, second = 0;
  size_t i = 0;
  for (auto _ : state) {
    session::SessionEvent e = sessions[i];
    e.start_ms += offset, e.end_ms += offset, e.decided_ms += offset;
    if (e.decided_ms / 1000 != second) {
      second = e.decided_ms / 1000;
      sink.on_watermark(e.decided_ms);
    }
    sink.on_session(e);
    if (++i == sessions.size()) {
      i = 0;
      offset += int64_t{kSessions} * 1000 / kSessionsPerSecond + 1000;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DetectShardSide(benchmark::State& state) {
  DetectConfig config;
  ReturnAtOnce channel;
  ShardDetector shard(0, config, channel);
  feed(state, shard);
  state.counters["sessions_dropped"] =
      static_cast<double>(shard.counters().get(DetectCounter::detect_sessions_dropped));
}
BENCHMARK(BM_DetectShardSide);

void BM_DetectTotal(benchmark::State& state) {
  NullAlerts alerts;
  ShardedDetection detection(DetectConfig{}, 1, alerts);
  feed(state, *detection.sinks()[0]);
  state.counters["alerts"] = static_cast<double>(alerts.alerts);
}
BENCHMARK(BM_DetectTotal);

void BM_DetectQuietInterval(benchmark::State& state) {
  NullAlerts alerts;
  ShardedDetection detection(DetectConfig{}, 1, alerts);
  session::SessionEvent e = session_of(7);  // one refused attempt per interval
  for (auto _ : state) {
    e.start_ms += 10000, e.end_ms += 10000, e.decided_ms += 10000;
    detection.sinks()[0]->on_watermark(e.decided_ms);
    detection.sinks()[0]->on_session(e);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DetectQuietInterval);

}  // namespace
}  // namespace synwatch::detect

BENCHMARK_MAIN();
