// WorkerStats: what one worker has counted, as a copy the control side may read while
// the worker runs (metrics, status). The worker's own counters are plain numbers only
// it touches; every tick (100 ms of live input) and at shutdown it copies them into its
// StatsSlot. The copy is taken with try_lock: if a reader holds the slot, the worker
// skips that tick rather than wait, so readers can never stall the dataplane.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string_view>

#include "dataplane/decode/decode_counters.h"
#include "dataplane/detect/detect_counters.h"
#include "dataplane/pipeline/exporter_summary.h"
#include "dataplane/pipeline/pipeline_counters.h"
#include "dataplane/session/session_counters.h"
#include "dataplane/wire/input_counters.h"
#include "dataplane/wire/packet_view.h"

namespace synwatch::pipeline {

struct WorkerStats {
  uint64_t datagrams = 0;         // export datagrams decoded
  uint64_t records = 0;           // flow records decoded
  uint32_t exporters = 0;         // exporters this worker decodes
  uint32_t sessions_live = 0;     // session table occupancy
  uint32_t sessions_capacity = 0;
  // Interfaces exporters named in options data, by role (decode::InterfaceRole order).
  std::array<uint32_t, 3> interfaces{};
  bool detection = false;         // the detect counters mean something
  wire::InputCounters input;
  wire::PacketCounters packets;
  decode::DecodeCounters decode;
  session::SessionCounters sessions;
  PipelineCounters handoff;
  detect::DetectCounters detect;
  ExporterList exporter_list;
};

// f(layer, name, kind, value) for every counter of `s`, layer by layer in pipeline order
// (the layers of docs/counters.md). The detect layer only with detection on.
template <typename F>
void for_each_counter(const WorkerStats& s, F&& f) {
  auto layer = [&](std::string_view name, const auto& values, const auto& names, const auto& kinds) {
    for (size_t i = 0; i < names.size(); ++i) f(name, names[i], kinds[i], values.values[i]);
  };
  layer("input", s.input, wire::kInputCounterNames, wire::kInputCounterKinds);
  layer("packet", s.packets, wire::kPacketCounterNames, wire::kPacketCounterKinds);
  layer("decode", s.decode, decode::kDecodeCounterNames, decode::kDecodeCounterKinds);
  layer("session", s.sessions, session::kSessionCounterNames, session::kSessionCounterKinds);
  layer("pipeline", s.handoff, kPipelineCounterNames, kPipelineCounterKinds);
  if (s.detection) layer("detect", s.detect, detect::kDetectCounterNames, detect::kDetectCounterKinds);
}

class StatsSlot {
 public:
  // The worker: false when a reader held the slot (try again next tick). `wait`: the
  // last copy at shutdown, which must not be skipped.
  bool publish(const WorkerStats& s, bool wait = false) {
    std::unique_lock lock(mutex_, std::defer_lock);
    if (wait) lock.lock();
    else if (!lock.try_lock()) return false;
    stats_ = s;
    return true;
  }
  // The control side.
  WorkerStats read() const {
    std::lock_guard lock(mutex_);
    return stats_;
  }
  // The same into `out`, for readers on small stacks (a WorkerStats with its exporter
  // list is tens of kilobytes; the metrics server's threads have little stack).
  void read_into(WorkerStats& out) const {
    std::lock_guard lock(mutex_);
    out = stats_;
  }

 private:
  mutable std::mutex mutex_;
  WorkerStats stats_;
};

}  // namespace synwatch::pipeline
