// What a decoder carries through one export packet: where it came from, the exporter's
// state, where records go, and the per-packet record limit.
#pragma once

#include <cstdint>

#include "dataplane/decode/exporter_state.h"
#include "dataplane/decode/flow_record.h"

namespace synwatch::decode {

struct PacketScope {
  const ExportContext& ctx;
  ExporterState& exporter;
  RecordSink& sink;
  uint32_t max_records;
  uint32_t emitted = 0;

  void count(DecodeCounter c, uint64_t n = 1) { exporter.counters.add(c, n); }

  // False (and counted) once the packet has produced its limit of records.
  bool emit(const FlowRecord& r) {
    if (emitted >= max_records) {
      count(DecodeCounter::record_limit);
      return false;
    }
    ++emitted;
    ++exporter.records;
    sink.on_record(r);
    return true;
  }
};

}  // namespace synwatch::decode
