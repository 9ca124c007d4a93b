#include "dataplane/decode/exporter_state.h"

namespace synwatch::decode {

bool DomainState::set_sampler_rate(uint64_t sampler_id, uint32_t rate) {
  for (auto& s : samplers) {
    if (s.rate != 0 && s.sampler_id == sampler_id) {
      s.rate = rate;
      return true;
    }
  }
  for (auto& s : samplers) {
    if (s.rate == 0) {
      s = {sampler_id, rate};
      return true;
    }
  }
  samplers[sampler_hand] = {sampler_id, rate};
  sampler_hand = (sampler_hand + 1) % kMaxSamplersPerDomain;
  return false;
}

DomainState& ExporterState::domain(ExportVersion version, uint32_t domain_id, int64_t now_ms) {
  DomainState* free_slot = nullptr;
  DomainState* idlest = &domains[0];
  for (auto& d : domains) {
    if (d.in_use && d.domain == domain_id && d.version == version) {
      d.last_seen_ms = now_ms;
      return d;
    }
    if (!d.in_use && free_slot == nullptr) free_slot = &d;
    if (d.in_use && d.last_seen_ms < idlest->last_seen_ms) idlest = &d;
  }
  DomainState* slot = free_slot;
  if (slot == nullptr) {
    counters.add(DecodeCounter::domain_slots_full);
    slot = idlest;
  }
  *slot = DomainState{};
  slot->in_use = true;
  slot->domain = domain_id;
  slot->version = version;
  slot->last_seen_ms = now_ms;
  return *slot;
}

uint64_t track_sequence(DomainState& d, DecodeCounters& counters, uint32_t sequence,
                        uint32_t advance) {
  uint64_t lost = 0;
  if (d.sequence_known) {
    const auto gap = static_cast<int32_t>(sequence - d.next_sequence);
    if (gap > 0) lost = static_cast<uint64_t>(gap);
    if (gap < 0) counters.add(DecodeCounter::sequence_reset);
  }
  d.sequence_known = true;
  d.last_sequence = sequence;
  d.next_sequence = sequence + advance;
  return lost;
}

uint64_t track_ipfix_sequence(DomainState& d, DecodeCounters& counters, uint32_t sequence,
                              uint32_t all_records, uint32_t flow_records) {
  if (d.sequence_known && !d.sequence_counts_current && sequence != d.next_sequence &&
      flow_records > 0 && sequence == d.last_sequence + flow_records) {
    d.sequence_counts_current = true;
    d.next_sequence = d.last_sequence;  // the previous message's number was of this kind too
  }
  if (d.sequence_counts_current) {
    // Compare as if the exporter had numbered by RFC 7011: shift back by this message.
    return track_sequence(d, counters, sequence - flow_records, flow_records);
  }
  return track_sequence(d, counters, sequence, all_records);
}

}  // namespace synwatch::decode
