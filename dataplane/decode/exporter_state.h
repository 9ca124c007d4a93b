// What the decoder remembers about each exporter: its counters, and per observation
// domain the export sequence, the system init time and the sampling rates announced in
// options data. Bounded: a fixed number of domains and samplers per exporter.
#pragma once

#include <array>
#include <cstdint>

#include "dataplane/decode/decode_counters.h"
#include "dataplane/decode/flow_record.h"

namespace synwatch::decode {

inline constexpr size_t kMaxDomainsPerExporter = 8;
inline constexpr size_t kMaxSamplersPerDomain = 8;

struct SamplerRate {
  uint64_t sampler_id = 0;
  uint32_t rate = 0;  // 0: slot unused
};

struct DomainState {
  uint32_t domain = 0;
  ExportVersion version = ExportVersion::kNetflowV5;
  bool in_use = false;
  bool sequence_known = false;
  uint32_t next_sequence = 0;
  uint32_t last_sequence = 0;
  // Learned per domain: the exporter's IPFIX sequence already counts the flow records of
  // the message that carries it (softflowd 1.1 does; RFC 7011 says it must not).
  bool sequence_counts_current = false;
  int64_t last_seen_ms = 0;
  int64_t system_init_ms = -1;  // IPFIX systemInitTimeMilliseconds; -1 unknown
  uint32_t default_sampling = 0;  // from options data without a sampler id; 0 unknown
  // The export clock (export_clock.h): the last accepted header time, and a jump ahead
  // that is waiting for confirmation.
  int64_t clock_ms = 0;
  int64_t jump_ms = 0;
  uint8_t jump_packets = 0;
  uint32_t sampler_hand = 0;
  std::array<SamplerRate, kMaxSamplersPerDomain> samplers{};

  uint32_t sampler_rate(uint64_t sampler_id) const {
    for (const auto& s : samplers)
      if (s.rate != 0 && s.sampler_id == sampler_id) return s.rate;
    return 0;
  }
  // Returns false when a sampler had to be replaced to make room.
  bool set_sampler_rate(uint64_t sampler_id, uint32_t rate);
};

struct ExporterState {
  DecodeCounters counters;
  uint64_t packets = 0;
  uint64_t records = 0;
  uint32_t templates = 0;  // templates this exporter holds in the template store
  uint32_t interfaces = 0;  // interfaces it named that the interface table holds
  uint32_t pending = 0;    // data sets held for it in the pending buffer
  uint32_t static_sampling = 0;  // configured override; 0 none
  int64_t last_seen_ms = 0;
  std::array<DomainState, kMaxDomainsPerExporter> domains{};

  // The state of (version, domain), recycling the longest-idle slot when all are taken.
  DomainState& domain(ExportVersion version, uint32_t domain_id, int64_t now_ms);
};

// Sequence bookkeeping shared by every protocol: `sequence` is what this packet says,
// `advance` how far the next packet's number should move past it. Returns how many
// units (packets or records) went missing; a backwards jump counts a reset and resyncs.
uint64_t track_sequence(DomainState& d, DecodeCounters& counters, uint32_t sequence,
                        uint32_t advance);

// IPFIX: `all_records` data records (options included) and `flow_records` flow records
// in this message. Accepts RFC 7011 numbering, or learns the exporter's habit of
// counting the current message's flow records.
uint64_t track_ipfix_sequence(DomainState& d, DecodeCounters& counters, uint32_t sequence,
                              uint32_t all_records, uint32_t flow_records);

}  // namespace synwatch::decode
