// ExporterSummary: one exporter as a worker publishes it for the control side (the
// Exporters API), copied from the worker's ExporterTable every tick. Bounded: a worker
// lists its kPublishedExporters busiest exporters and counts the rest.
#pragma once

#include <array>
#include <cstdint>

#include "dataplane/decode/exporter_state.h"
#include "dataplane/wire/ip_address.h"

namespace synwatch::pipeline {

inline constexpr size_t kPublishedExporters = 64;

struct DomainSummary {
  decode::ExportVersion version = decode::ExportVersion::kNetflowV5;
  uint32_t domain = 0;
  uint32_t sampling_rate = 0;  // announced in options data; 0 unknown
  bool sequence_known = false;
  int64_t last_seen_ms = 0;
};

struct ExporterSummary {
  wire::IpAddress address;
  uint64_t packets = 0, records = 0;
  uint32_t templates = 0, pending = 0, static_sampling = 0;
  int64_t last_seen_ms = 0;
  uint32_t domain_count = 0;
  std::array<DomainSummary, decode::kMaxDomainsPerExporter> domains{};
  decode::DecodeCounters counters;

  static ExporterSummary of(const wire::IpAddress& address, const decode::ExporterState& e) {
    ExporterSummary s;
    s.address = address;
    s.packets = e.packets, s.records = e.records;
    s.templates = e.templates, s.pending = e.pending, s.static_sampling = e.static_sampling;
    s.last_seen_ms = e.last_seen_ms;
    s.counters = e.counters;
    for (const auto& d : e.domains) {
      if (!d.in_use) continue;
      s.domains[s.domain_count++] = {d.version, d.domain, d.default_sampling, d.sequence_known, d.last_seen_ms};
    }
    return s;
  }
};

// The busiest exporters of a table, at most kPublishedExporters.
struct ExporterList {
  uint32_t size = 0;
  uint32_t not_listed = 0;
  std::array<ExporterSummary, kPublishedExporters> entries;

  void add(const wire::IpAddress& address, const decode::ExporterState& e) {
    if (size < entries.size()) {
      entries[size++] = ExporterSummary::of(address, e);
      return;
    }
    ++not_listed;
    ExporterSummary* quietest = &entries[0];
    for (auto& s : entries)
      if (s.packets < quietest->packets) quietest = &s;
    if (quietest->packets < e.packets) *quietest = ExporterSummary::of(address, e);
  }
};

}  // namespace synwatch::pipeline
