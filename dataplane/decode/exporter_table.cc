#include "dataplane/decode/exporter_table.h"

namespace synwatch::decode {

ExporterTable::ExporterTable(const DecoderConfig& config)
    : overrides_(&config.sampling_overrides), map_(config.exporter_capacity) {}

namespace {

uint32_t override_for(const std::vector<SamplingOverride>& overrides, const IpAddress& exporter) {
  uint32_t rate = 0;
  for (const auto& o : overrides)
    if (o.exporter == exporter) rate = o.rate;  // the last one listed wins
  return rate;
}

}  // namespace

void ExporterTable::use_sampling_overrides(const std::vector<SamplingOverride>& overrides) {
  overrides_ = &overrides;
  map_.for_each([&](const IpAddress& address, ExporterState& s) { s.static_sampling = override_for(overrides, address); });
}

ExporterState& ExporterTable::get(const IpAddress& exporter, int64_t now_ms) {
  if (ExporterState* s = map_.find(exporter)) {
    s->last_seen_ms = now_ms;
    return *s;
  }
  bool recycled = false;
  if (map_.full()) {
    const int64_t victim = map_.pick_victim(8, [](const ExporterState& a, const ExporterState& b) {
      return a.last_seen_ms < b.last_seen_ms;
    });
    const auto index = static_cast<uint32_t>(victim);
    retired_.merge(map_.value_at(index).counters);
    map_.erase_at(index);
    recycled = true;
  }
  ExporterState* inserted = map_.insert(exporter);
  if (inserted == nullptr) return overflow_;  // only with a capacity of 0
  ExporterState& s = *inserted;
  s.last_seen_ms = now_ms;
  s.static_sampling = override_for(*overrides_, exporter);
  if (recycled) s.counters.add(DecodeCounter::exporter_table_full);
  return s;
}

DecodeCounters ExporterTable::total_counters() const {
  DecodeCounters total = retired_;
  total.merge(overflow_.counters);
  map_.for_each([&](const IpAddress&, const ExporterState& s) { total.merge(s.counters); });
  return total;
}

}  // namespace synwatch::decode
