#include "dataplane/decode/templated_decoder.h"

namespace synwatch::decode {
namespace {

constexpr uint16_t kV9TemplateSet = 0;
constexpr uint16_t kV9OptionsTemplateSet = 1;
constexpr uint16_t kIpfixTemplateSet = 2;
constexpr uint16_t kIpfixOptionsTemplateSet = 3;
constexpr uint16_t kFirstDataSetId = 256;

// Reads one field specifier; IPFIX sets the high bit of the id when a PEN follows.
bool read_field_spec(wire::ByteCursor& c, bool ipfix, FieldSpec& spec) {
  uint16_t id;
  if (!c.read_u16(id) || !c.read_u16(spec.length)) return false;
  spec.pen = 0;
  spec.id = id;
  spec.enterprise = ipfix && (id & 0x8000) != 0;
  if (spec.enterprise) {
    spec.id = id & 0x7fff;
    if (!c.read_u32(spec.pen)) return false;
  }
  // Only IPFIX has variable-length encoding; in v9 0xffff is just a (useless) length.
  if (!ipfix && spec.length == kVariableLength) spec.length = kVariableLength - 1;
  return true;
}

}  // namespace

TemplatedDecoder::TemplatedDecoder(const DecoderConfig& config, ExporterTable& exporters)
    : config_(config),
      exporters_(exporters),
      templates_(config.template_capacity, config.template_timeout_s),
      pending_(config.pending_slots, config.pending_slot_bytes) {}

void TemplatedDecoder::decode_v9(PacketScope& scope, wire::ByteCursor c) {
  uint16_t version, count;
  uint32_t uptime, unix_secs, sequence, source_id;
  // The header's record count is not trusted: softflowd writes one that is too small,
  // so FlowSets are walked by their lengths.
  if (!c.read_u16(version) || !c.read_u16(count) || !c.read_u32(uptime) ||
      !c.read_u32(unix_secs) || !c.read_u32(sequence) || !c.read_u32(source_id)) {
    scope.count(DecodeCounter::v9_truncated_header);
    return;
  }
  const int64_t export_ms = int64_t{unix_secs} * 1000;
  DomainState& d = scope.exporter.domain(ExportVersion::kNetflowV9, source_id, scope.ctx.receive_ms);
  scope.count(DecodeCounter::v9_packets_lost, track_sequence(d, scope.exporter.counters, sequence, 1));
  Message m{ExportVersion::kNetflowV9, source_id,
            TimeBase{ExportVersion::kNetflowV9, export_ms, uptime, -1}, &d,
            scope.export_clock(d, export_ms)};
  walk_sets(scope, m, c);
  // The count may be too small (softflowd) but a packet holding fewer records than it
  // claims was cut short somewhere.
  if (!m.records_uncounted && m.data_records + m.template_records < count)
    scope.count(DecodeCounter::v9_fewer_records_than_count);
}

void TemplatedDecoder::decode_ipfix(PacketScope& scope, wire::ByteCursor c) {
  const size_t datagram = c.remaining();
  uint16_t version, length;
  uint32_t export_secs, sequence, domain;
  if (!c.read_u16(version) || !c.read_u16(length) || !c.read_u32(export_secs) ||
      !c.read_u32(sequence) || !c.read_u32(domain)) {
    scope.count(DecodeCounter::ipfix_truncated_header);
    return;
  }
  if (length < 16 || length > datagram) {
    scope.count(DecodeCounter::ipfix_bad_length);
    return;
  }
  wire::ByteCursor sets(c.current(), length - 16u);
  DomainState& d = scope.exporter.domain(ExportVersion::kIpfix, domain, scope.ctx.receive_ms);
  Message m{ExportVersion::kIpfix, domain,
            TimeBase{ExportVersion::kIpfix, int64_t{export_secs} * 1000, 0, -1}, &d,
            scope.export_clock(d, int64_t{export_secs} * 1000)};
  walk_sets(scope, m, sets);
  // The sequence number counts the data records sent before this message.
  scope.count(DecodeCounter::ipfix_records_lost,
              track_ipfix_sequence(d, scope.exporter.counters, sequence, m.data_records,
                                   m.flow_records));
  if (m.records_uncounted) d.sequence_known = false;
}

void TemplatedDecoder::walk_sets(PacketScope& scope, Message& m, wire::ByteCursor c) {
  const bool ipfix = m.version == ExportVersion::kIpfix;
  // Only this exporter's held sets can expire by its clock; most packets skip the scan.
  if (scope.exporter.pending > 0 && config_.pending_timeout_s > 0) {
    const uint32_t expired = pending_.expire(
        scope.ctx.exporter, m.time.export_ms - int64_t{config_.pending_timeout_s} * 1000);
    scope.count(DecodeCounter::pending_expired, expired);
    scope.exporter.pending -= expired;
  }
  // Trailing bytes shorter than a set header are padding.
  while (c.remaining() >= 4) {
    uint16_t set_id, set_length;
    wire::ByteCursor body;
    if (!c.read_u16(set_id) || !c.read_u16(set_length) || set_length < 4 ||
        !c.take(set_length - 4u, body)) {
      scope.count(DecodeCounter::set_truncated);
      return;
    }
    if (set_id >= kFirstDataSetId) {
      data_set(scope, m, set_id, body);
    } else if (set_id == (ipfix ? kIpfixTemplateSet : kV9TemplateSet)) {
      template_set(scope, m, body, false);
    } else if (set_id == (ipfix ? kIpfixOptionsTemplateSet : kV9OptionsTemplateSet)) {
      template_set(scope, m, body, true);
    } else {
      scope.count(DecodeCounter::set_id_reserved);
    }
  }
}

void TemplatedDecoder::template_set(PacketScope& scope, Message& m, wire::ByteCursor body,
                                    bool options) {
  const bool ipfix = m.version == ExportVersion::kIpfix;
  const uint16_t set_id = ipfix ? (options ? kIpfixOptionsTemplateSet : kIpfixTemplateSet)
                                : (options ? kV9OptionsTemplateSet : kV9TemplateSet);
  while (body.remaining() >= 4) {
    uint16_t id, count;
    if (!body.read_u16(id) || !body.read_u16(count)) break;
    if (id == 0 && count == 0) return;  // zero padding at the end of the set
    uint32_t fields = count;
    uint32_t v9_scope_fields = 0;
    if (ipfix && count == 0) {  // RFC 7011 8.1: a field count of 0 withdraws
      withdraw(scope, m, id, set_id);
      continue;
    }
    if (options) {
      uint16_t scope_part;
      if (!body.read_u16(scope_part)) break;
      if (ipfix) {
        // count = all fields, scope_part = scope fields (at least one, RFC 7011 3.4.2.2)
        if (scope_part == 0 || scope_part > count) {
          scope.count(DecodeCounter::template_malformed);
          return;
        }
      } else {
        // v9: count = option scope length, scope_part = option length, both in bytes.
        if (count % 4 != 0 || scope_part % 4 != 0) {
          scope.count(DecodeCounter::template_malformed);
          return;
        }
        fields = (uint32_t{count} + scope_part) / 4;
        v9_scope_fields = count / 4;
      }
    }
    if (id < kFirstDataSetId || fields == 0) {
      scope.count(DecodeCounter::template_malformed);
      return;
    }
    TemplateBuilder builder(options, !ipfix);
    for (uint32_t i = 0; i < fields; ++i) {
      FieldSpec spec;
      if (!read_field_spec(body, ipfix, spec)) {
        scope.count(DecodeCounter::template_malformed);
        return;
      }
      builder.add(spec, scope.exporter.counters, i < v9_scope_fields);
    }
    if (builder.overflowed()) {
      scope.count(DecodeCounter::template_too_many_fields);
      continue;
    }
    // Every field of length 0: its records would take no bytes, and a data set of them
    // would never end (found by fuzz_decode_v9).
    if (builder.result().min_record_length == 0) {
      scope.count(DecodeCounter::template_malformed);
      continue;
    }
    ++m.template_records;
    learn(scope, m, id, builder);
  }
}

void TemplatedDecoder::learn(PacketScope& scope, Message& m, uint16_t id,
                             const TemplateBuilder& b) {
  const TemplateKey key = key_for(scope, m, id);
  if (!templates_.contains(key) && scope.exporter.templates >= config_.templates_per_exporter) {
    scope.count(DecodeCounter::template_exporter_limit);
    return;
  }
  Template t = b.result();
  t.refreshed_ms = m.time.export_ms;
  TemplateKey evicted;
  bool did_evict;
  switch (templates_.store(key, t, evicted, did_evict)) {
    case TemplateCache::Stored::kLearned:
      scope.count(DecodeCounter::template_learned);
      ++scope.exporter.templates;
      break;
    case TemplateCache::Stored::kReplaced:
      scope.count(DecodeCounter::template_replaced);
      break;
    case TemplateCache::Stored::kRefreshed:
      break;
  }
  if (did_evict) {
    scope.count(DecodeCounter::template_table_full);
    forget_template(evicted);
  }
  if (scope.exporter.pending == 0) return;
  bool expired;
  const Template* stored = templates_.find(key, m.time.export_ms, expired);
  if (stored == nullptr) return;
  const uint32_t taken =
      pending_.take(key, [&](const HeldContext& held, const uint8_t* data, uint32_t size) {
        Message then = m;
        then.time.export_ms = held.export_ms;
        then.time.sys_uptime_ms = held.sys_uptime_ms;
        decode_records(scope, then, *stored, wire::ByteCursor(data, size));
      });
  scope.count(DecodeCounter::pending_decoded, taken);
  scope.exporter.pending -= taken;
}

void TemplatedDecoder::withdraw(PacketScope& scope, Message& m, uint16_t id, uint16_t set_id) {
  if (id == set_id) {  // withdraw all templates (or all options templates) of the domain
    const bool options = set_id == kIpfixOptionsTemplateSet;
    templates_.withdraw_matching(
        [&](const TemplateKey& k, const Template& t) {
          return k.exporter == scope.ctx.exporter && k.domain == m.domain &&
                 k.version == m.version && t.options == options;
        },
        [&](const TemplateKey&) {
          scope.count(DecodeCounter::template_withdrawn);
          --scope.exporter.templates;
        });
    return;
  }
  if (id < kFirstDataSetId) {
    scope.count(DecodeCounter::template_malformed);
    return;
  }
  if (templates_.withdraw(key_for(scope, m, id))) {
    scope.count(DecodeCounter::template_withdrawn);
    --scope.exporter.templates;
  }
}

void TemplatedDecoder::forget_template(const TemplateKey& key) {
  if (ExporterState* owner = exporters_.find(key.exporter); owner && owner->templates > 0)
    --owner->templates;
}

void TemplatedDecoder::data_set(PacketScope& scope, Message& m, uint16_t id,
                                wire::ByteCursor body) {
  const TemplateKey key = key_for(scope, m, id);
  bool expired;
  if (const Template* t = templates_.find(key, m.time.export_ms, expired)) {
    decode_records(scope, m, *t, body);
    return;
  }
  if (expired) {
    scope.count(DecodeCounter::template_expired);
    forget_template(key);
  }
  if (body.empty()) return;  // nothing to hold
  m.records_uncounted = true;
  if (scope.exporter.pending >= config_.pending_per_exporter) {
    scope.count(DecodeCounter::pending_exporter_limit);
    return;
  }
  TemplateKey evicted;
  const auto size = static_cast<uint32_t>(body.remaining());
  switch (pending_.hold(key, {m.time.export_ms, m.time.sys_uptime_ms}, body.current(), size,
                        evicted)) {
    case PendingBuffer::Hold::kTooLarge:
      scope.count(DecodeCounter::pending_too_large);
      return;
    case PendingBuffer::Hold::kHeldAfterEviction:
      if (ExporterState* owner = exporters_.find(evicted.exporter)) {
        owner->counters.add(DecodeCounter::pending_evicted);
        if (owner->pending > 0) --owner->pending;
      }
      [[fallthrough]];
    case PendingBuffer::Hold::kHeld:
      scope.count(DecodeCounter::data_set_pending);
      ++scope.exporter.pending;
      return;
  }
}

void TemplatedDecoder::decode_records(PacketScope& scope, Message& m, const Template& t,
                                      wire::ByteCursor body) {
  DomainState& d = *m.domain_state;
  m.time.system_init_ms = d.system_init_ms;
  // What remains after the last whole record is set padding (RFC 7011 3.3.1).
  const size_t min_length = t.min_record_length > 0 ? t.min_record_length : 1;
  while (body.remaining() >= min_length) {
    if (!read_fields(t, body, fields_)) {
      scope.count(DecodeCounter::record_truncated);
      return;
    }
    ++m.data_records;
    if (t.options) {
      apply_options(scope, m, fields_);
      m.time.system_init_ms = d.system_init_ms;
      continue;
    }
    FlowRecord r;
    bool base_unknown = false;
    if (!build_flow_record(fields_, m.time, r, base_unknown)) {
      scope.count(DecodeCounter::record_not_a_flow);
      continue;
    }
    ++m.flow_records;
    if (base_unknown) scope.count(DecodeCounter::time_base_unknown);
    r.exporter = scope.ctx.exporter;
    r.export_ms = m.clock_ms;
    r.version = m.version;
    r.domain = m.domain;
    uint64_t sampler;
    uint32_t rate = scope.exporter.static_sampling;
    if (rate == 0) rate = sampling_rate_of(fields_);
    if (rate == 0 && sampler_id_of(fields_, sampler)) rate = d.sampler_rate(sampler);
    if (rate == 0) rate = d.default_sampling;
    r.sampling = rate == 0 ? 1 : rate;
    if (fields_.has_bytes()) [[unlikely]] {
      RecordSpans spans;
      add_scan_spans(fields_, r.proto, spans);
      if (!scope.emit(r, spans)) return;
      continue;
    }
    if (!scope.emit(r)) return;
  }
}

void TemplatedDecoder::learn_interface(PacketScope& scope, const Message& m,
                                       const FieldValues& f) {
  // The interface the record describes: its scope, ingressInterface (IPFIX) or the v9
  // Interface scope; egressInterface where an exporter scopes by that instead.
  const FieldKind index_kind = f.has(FieldKind::kInIf)    ? FieldKind::kInIf
                               : f.has(FieldKind::kOutIf) ? FieldKind::kOutIf
                                                          : FieldKind::kSkip;
  if (index_kind == FieldKind::kSkip) return;
  const uint64_t index = f.get(index_kind);
  if (index == 0 || index > 0xffffffff) return;
  InterfaceNaming naming;
  auto text = [&](FieldKind k, std::string_view& out, bool& has) {
    if (!f.has(k)) return;
    const FieldValues::Bytes b = f.bytes_of(k);
    // Fixed-length string fields are padded with NULs (RFC 7011 6.1.6 allows it).
    size_t size = b.size;
    while (size > 0 && b.data[size - 1] == 0) --size;
    out = {reinterpret_cast<const char*>(b.data), size};
    has = true;
  };
  text(FieldKind::kInterfaceName, naming.name, naming.has_name);
  text(FieldKind::kInterfaceDescription, naming.description, naming.has_description);
  const auto i = static_cast<uint32_t>(index);
  if (!scope.interfaces.contains(scope.ctx.exporter, i) &&
      scope.exporter.interfaces >= config_.interfaces_per_exporter) {
    scope.count(DecodeCounter::interface_exporter_limit);
    return;
  }
  scope.count(DecodeCounter::interface_named);
  const InterfaceTable::Learned learned =
      scope.interfaces.learn(scope.ctx.exporter, i, naming, m.clock_ms);
  if (learned.added) ++scope.exporter.interfaces;
  if (learned.evicted) {
    scope.count(DecodeCounter::interface_table_full);
    ExporterState* owner = exporters_.find(learned.evicted_exporter);
    if (owner != nullptr && owner->interfaces > 0) --owner->interfaces;
  }
}

void TemplatedDecoder::apply_options(PacketScope& scope, Message& m, const FieldValues& f) {
  DomainState& d = *m.domain_state;
  scope.count(DecodeCounter::options_record);
  if (f.has(FieldKind::kSystemInitMillis))
    d.system_init_ms = clamped_epoch_ms(f.get(FieldKind::kSystemInitMillis));
  if (f.has(FieldKind::kInterfaceName) || f.has(FieldKind::kInterfaceDescription))
    learn_interface(scope, m, f);
  const uint32_t rate = sampling_rate_of(f);
  if (rate == 0) return;
  uint64_t sampler;
  if (!sampler_id_of(f, sampler)) {
    d.default_sampling = rate;
  } else if (!d.set_sampler_rate(sampler, rate)) {
    scope.count(DecodeCounter::sampling_table_full);
  }
}

}  // namespace synwatch::decode
