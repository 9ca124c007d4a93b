#include "dataplane/decode/template_cache.h"

namespace synwatch::decode {

TemplateBuilder::TemplateBuilder(bool options, bool netflow_v9) : netflow_v9_(netflow_v9) {
  tmpl_.options = options;
  tmpl_.fingerprint = options ? 0x84222325cbf29ce4ULL : 0xcbf29ce484222325ULL;
}

void TemplateBuilder::add(const FieldSpec& spec, DecodeCounters& counters, bool v9_scope) {
  // FNV-1a over the raw field list: two definitions with the same fields are one template.
  for (uint64_t part : {uint64_t{spec.id}, uint64_t{spec.length},
                        uint64_t{spec.pen} | uint64_t{spec.enterprise} << 32}) {
    tmpl_.fingerprint ^= part;
    tmpl_.fingerprint *= 0x100000001b3ULL;
  }
  if (overflowed_) return;
  FieldKind kind;
  const FieldClass c = v9_scope ? classify_v9_scope(spec, kind)
                                : classify_field(spec, netflow_v9_, kind);
  if (c == FieldClass::kBadLength)
    counters.add(DecodeCounter::template_bad_field_length);
  const bool variable = spec.length == kVariableLength;
  const uint32_t offset = tmpl_.min_record_length;  // exact while no field is variable
  tmpl_.min_record_length += variable ? 1u : spec.length;
  tmpl_.variable_length |= variable;
  if (kind != FieldKind::kSkip && tmpl_.value_count < kMaxTemplateOps) {
    tmpl_.values[tmpl_.value_count++] = {static_cast<uint16_t>(offset), spec.length, kind};
    tmpl_.present |= presence_bit(kind);
  }

  // Merge a fixed-length skip into the previous fixed-length skip where it fits.
  if (kind == FieldKind::kSkip && !variable && tmpl_.op_count > 0) {
    FieldOp& last = tmpl_.ops[tmpl_.op_count - 1];
    if (last.kind == FieldKind::kSkip && last.length != kVariableLength &&
        uint32_t{last.length} + spec.length < kVariableLength) {
      last.length = static_cast<uint16_t>(last.length + spec.length);
      return;
    }
  }
  if (tmpl_.op_count == kMaxTemplateOps) {
    overflowed_ = true;
    return;
  }
  tmpl_.ops[tmpl_.op_count++] = {spec.length, kind};
}

TemplateCache::TemplateCache(uint32_t capacity, uint32_t timeout_s)
    : map_(capacity), timeout_ms_(int64_t{timeout_s} * 1000) {}

const Template* TemplateCache::find(const TemplateKey& key, int64_t now_ms, bool& expired) {
  expired = false;
  Template* t = map_.find(key);
  if (t == nullptr) return nullptr;
  if (timeout_ms_ > 0 && now_ms - t->refreshed_ms > timeout_ms_) {
    map_.erase(key);
    expired = true;
    return nullptr;
  }
  return t;
}

TemplateCache::Stored TemplateCache::store(const TemplateKey& key, const Template& tmpl,
                                           TemplateKey& evicted, bool& did_evict) {
  did_evict = false;
  if (Template* existing = map_.find(key)) {
    const bool same = existing->fingerprint == tmpl.fingerprint;
    *existing = tmpl;
    return same ? Stored::kRefreshed : Stored::kReplaced;
  }
  if (map_.full()) {
    const int64_t victim = map_.pick_victim(
        8, [](const Template& a, const Template& b) { return a.refreshed_ms < b.refreshed_ms; });
    evicted = map_.key_at(static_cast<uint32_t>(victim));
    map_.erase(evicted);
    did_evict = true;
  }
  if (Template* slot = map_.insert(key)) *slot = tmpl;
  return Stored::kLearned;
}

}  // namespace synwatch::decode
