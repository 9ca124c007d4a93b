// What a decoder carries through one export packet: where it came from, the exporter's
// state, where records go, and the per-packet record limit.
#pragma once

#include <cstdint>

#include "dataplane/decode/export_clock.h"
#include "dataplane/decode/exporter_state.h"
#include "dataplane/decode/flow_record.h"
#include "dataplane/decode/interface_table.h"

namespace synwatch::decode {

struct PacketScope {
  const ExportContext& ctx;
  ExporterState& exporter;
  RecordSink& sink;
  InterfaceTable& interfaces;
  uint32_t max_records;
  int64_t& newest_export_ms;  // the decoder's, for the export clock guard
  int64_t clock_jump_ms;
  uint32_t emitted = 0;

  // The export time this packet's records carry (export_clock.h).
  int64_t export_clock(DomainState& d, int64_t header_ms) {
    return guarded_export_ms(d, newest_export_ms, header_ms, clock_jump_ms, exporter.counters);
  }

  void count(DecodeCounter c, uint64_t n = 1) { exporter.counters.add(c, n); }

  // False (and counted) once the packet has produced its limit of records. Marks the
  // roles of the record's interfaces on the way.
  bool emit(FlowRecord& r) {
    if (!take_one()) return false;
    interfaces.mark(r);
    sink.on_record(r);
    return true;
  }
  // The same for a record with bytes to scan (scan_span.h).
  bool emit(FlowRecord& r, const RecordSpans& spans) {
    if (!take_one()) return false;
    interfaces.mark(r);
    if (spans.empty()) sink.on_record(r);
    else sink.on_record_with_spans(r, spans);
    return true;
  }

  // False (and counted) at the limit; else the record counts as emitted.
  bool take_one() {
    if (emitted >= max_records) {
      count(DecodeCounter::record_limit);
      return false;
    }
    ++emitted;
    ++exporter.records;
    return true;
  }
};

}  // namespace synwatch::decode
