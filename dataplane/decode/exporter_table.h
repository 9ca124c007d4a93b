// Exporter table: the per-core state of every exporter, bounded. At capacity the
// longest-idle exporter's slot is recycled; its counters are folded into `retired` so
// totals stay exact.
#pragma once

#include <cstdint>

#include "dataplane/table/bounded_map.h"
#include "dataplane/decode/decoder_config.h"
#include "dataplane/decode/exporter_state.h"

namespace synwatch::decode {

struct IpAddressHash {
  uint64_t operator()(const IpAddress& a) const { return a.hash(); }
};

class ExporterTable {
 public:
  explicit ExporterTable(const DecoderConfig& config);

  ExporterState& get(const IpAddress& exporter, int64_t now_ms);
  // The configured sampling rates from now on (a configuration applied at runtime), for
  // the exporters known and those to come. `overrides` must outlive its use.
  void use_sampling_overrides(const std::vector<SamplingOverride>& overrides);
  ExporterState* find(const IpAddress& exporter) { return map_.find(exporter); }
  const ExporterState* find(const IpAddress& exporter) const { return map_.find(exporter); }

  // Counters of every exporter, live and recycled.
  DecodeCounters total_counters() const;
  uint32_t size() const { return map_.size(); }

  template <typename F>
  void for_each(F&& f) const {
    map_.for_each(f);
  }

 private:
  const std::vector<SamplingOverride>* overrides_;
  table::BoundedMap<IpAddress, ExporterState, IpAddressHash> map_;
  DecodeCounters retired_;
  ExporterState overflow_;  // stands in if nothing can be inserted
};

}  // namespace synwatch::decode
