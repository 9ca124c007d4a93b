#include "dataplane/decode/record_builder.h"

#include <algorithm>

#include "dataplane/decode/sampled_header.h"

namespace synwatch::decode {
namespace {

using K = FieldKind;
constexpr int64_t kNtpToUnixSeconds = 2208988800LL;

// NTP timestamp (RFC 5905): seconds since 1900 and a 32-bit fraction. Seconds below the
// 1970 offset are taken as NTP era 1 (after February 2036).
int64_t ntp_to_epoch_ms(uint64_t ntp) {
  auto seconds = static_cast<int64_t>(ntp >> 32);
  if (seconds < kNtpToUnixSeconds) seconds += int64_t{1} << 32;
  const auto fraction_ms = static_cast<int64_t>(((ntp & 0xffffffffULL) * 1000) >> 32);
  return (seconds - kNtpToUnixSeconds) * 1000 + fraction_ms;
}

// Epoch seconds of any width to clamped milliseconds, without overflow.
int64_t epoch_ms_of_seconds(uint64_t seconds) {
  return clamped_epoch_ms(std::min<uint64_t>(seconds, uint64_t{kLatestEpochMs} / 1000) * 1000);
}

// The first of the kinds that is present, or 0.
template <size_t N>
bool first_of(const FieldValues& f, const K (&kinds)[N], uint64_t& out) {
  for (K k : kinds) {
    if (f.has(k)) {
      out = f.get(k);
      return true;
    }
  }
  return false;
}

struct TimeKinds {
  K millis, seconds, micros_ntp, nanos_ntp, delta_micros, uptime;
};
constexpr TimeKinds kStartKinds{K::kStartMillis,    K::kStartSeconds,      K::kStartMicrosNtp,
                                K::kStartNanosNtp,  K::kStartDeltaMicros,  K::kStartUptime};
constexpr TimeKinds kEndKinds{K::kEndMillis,   K::kEndSeconds,     K::kEndMicrosNtp,
                              K::kEndNanosNtp, K::kEndDeltaMicros, K::kEndUptime};

bool time_of(const FieldValues& f, const TimeKinds& k, const TimeBase& base, int64_t& out,
             bool& base_unknown) {
  if (f.has(k.millis)) {
    out = clamped_epoch_ms(f.get(k.millis));
  } else if (f.has(k.seconds)) {
    out = epoch_ms_of_seconds(f.get(k.seconds));
  } else if (f.has(k.micros_ntp)) {
    out = ntp_to_epoch_ms(f.get(k.micros_ntp));
  } else if (f.has(k.nanos_ntp)) {
    out = ntp_to_epoch_ms(f.get(k.nanos_ntp));
  } else if (f.has(k.delta_micros)) {
    out = base.export_ms - static_cast<int64_t>(f.get(k.delta_micros) / 1000);
  } else if (f.has(k.uptime)) {
    const auto uptime = static_cast<uint32_t>(f.get(k.uptime));
    if (base.version == ExportVersion::kNetflowV9) {
      out = uptime_to_epoch_ms(base.export_ms, base.sys_uptime_ms, uptime);
    } else if (base.system_init_ms >= 0) {
      out = base.system_init_ms + uptime;
    } else {
      base_unknown = true;
      out = base.export_ms;
    }
  } else {
    return false;
  }
  return true;
}

// One field's value into `out`: a big-endian unsigned of 1..8 bytes, or an IPv6 address
// (16 bytes: classify_field lets no other kind have that length). One dispatch, on the
// length, where the common widths are one load each.
[[gnu::always_inline]] inline void store_field(FieldKind kind, const uint8_t* p, size_t length,
                                             FieldValues& out) {
  if (is_bytes_kind(kind)) [[unlikely]] {
    out.bytes[static_cast<size_t>(kind) - static_cast<size_t>(kFirstBytesKind)] = {
        p, static_cast<uint16_t>(length)};
    return;
  }
  uint64_t& v = out.v[static_cast<size_t>(kind)];
  switch (length) {
    case 1: v = p[0]; break;
    case 2: v = wire::ByteCursor::load_be16(p); break;
    case 4: v = wire::ByteCursor::load_be32(p); break;
    case 8: v = wire::ByteCursor::load_be64(p); break;
    case 16: (kind == K::kSrcV6 ? out.src6 : out.dst6) = IpAddress::v6_bytes(p); break;
    default: v = wire::ByteCursor::load_be_n(p, length); break;
  }
}

}  // namespace

bool read_fields(const Template& tmpl, wire::ByteCursor& c, FieldValues& out) {
  const uint8_t* p;
  // Most templates are all fixed-length fields: each record is one bounds check and a
  // load a field at its known offset, its presence known from the template (field by
  // field this was a sixth of a kernel-socket daemon's CPU on NetFlow v9).
  if (!tmpl.variable_length) {
    if (!c.read_bytes(tmpl.min_record_length, p)) return false;
    for (uint16_t i = 0; i < tmpl.value_count; ++i) {
      const ValueOp& op = tmpl.values[i];
      store_field(op.kind, p + op.offset, op.length, out);
    }
    out.present = tmpl.present;
    return true;
  }
  out.present = 0;
  for (uint16_t i = 0; i < tmpl.op_count; ++i) {
    const FieldOp& op = tmpl.ops[i];
    size_t length = op.length;
    if (length == kVariableLength) {  // RFC 7011 7: 1-byte length, or 255 then 2-byte length
      uint8_t short_length;
      if (!c.read_u8(short_length)) return false;
      length = short_length;
      if (short_length == 255) {
        uint16_t long_length;
        if (!c.read_u16(long_length)) return false;
        length = long_length;
      }
    }
    if (!c.read_bytes(length, p)) return false;
    if (op.kind == K::kSkip) continue;
    store_field(op.kind, p, length, out);
    out.present |= presence_bit(op.kind);
  }
  return true;
}

bool build_flow_record(const FieldValues& f, const TimeBase& base, FlowRecord& r,
                       bool& time_base_unknown) {
  const bool has_v4 = f.has(K::kSrcV4) && f.has(K::kDstV4);
  const bool has_v6 = f.has(K::kSrcV6) && f.has(K::kDstV6);
  if (!has_v4 && !has_v6) return false;
  // Templates that carry both families zero the unused pair: ipVersion decides, else
  // the pair that is set.
  bool use_v6 = has_v6;
  if (has_v4 && has_v6) {
    use_v6 = f.has(K::kIpVersion) ? f.get(K::kIpVersion) == 6
                                  : f.get(K::kSrcV4) == 0 && f.get(K::kDstV4) == 0;
  }
  r.src = use_v6 ? f.src6 : IpAddress::v4(static_cast<uint32_t>(f.get(K::kSrcV4)));
  r.dst = use_v6 ? f.dst6 : IpAddress::v4(static_cast<uint32_t>(f.get(K::kDstV4)));
  if (f.has(K::kSrcPort)) r.src_port = static_cast<uint16_t>(f.get(K::kSrcPort));
  if (f.has(K::kDstPort)) r.dst_port = static_cast<uint16_t>(f.get(K::kDstPort));
  if (f.has(K::kProto)) r.proto = static_cast<uint8_t>(f.get(K::kProto));
  if (f.has(K::kTcpFlags)) r.tcp_flags = static_cast<uint8_t>(f.get(K::kTcpFlags));
  if (f.has(K::kTos)) r.tos = static_cast<uint8_t>(f.get(K::kTos));
  if (f.has(K::kInIf)) r.in_if = static_cast<uint32_t>(f.get(K::kInIf));
  if (f.has(K::kOutIf)) r.out_if = static_cast<uint32_t>(f.get(K::kOutIf));

  // Delta counts first; NSEL initiator counts, totals and post counts stand in for them.
  first_of(f, {K::kBytes, K::kInitiatorBytes, K::kBytesTotal, K::kBytesPost}, r.bytes);
  first_of(f, {K::kPackets, K::kInitiatorPackets, K::kPacketsTotal, K::kPacketsPost}, r.packets);
  const bool rev_bytes =
      first_of(f, {K::kRevBytes, K::kResponderBytes, K::kRevBytesTotal}, r.rev_bytes);
  const bool rev_packets =
      first_of(f, {K::kRevPackets, K::kResponderPackets, K::kRevPacketsTotal}, r.rev_packets);
  if (f.has(K::kRevTcpFlags)) r.rev_tcp_flags = static_cast<uint8_t>(f.get(K::kRevTcpFlags));
  r.has_reverse = rev_bytes || rev_packets || f.has(K::kRevTcpFlags);
  if (f.has(K::kFirewallEvent)) {
    r.firewall_event = static_cast<uint8_t>(f.get(K::kFirewallEvent));
    r.has_firewall_event = true;
  }

  int64_t start = 0, end = 0;
  const bool has_start = time_of(f, kStartKinds, base, start, time_base_unknown);
  const bool has_end = time_of(f, kEndKinds, base, end, time_base_unknown);
  if (!has_start && !has_end) {
    // NSEL event records carry only an event time; otherwise the export time is all we have.
    if (f.has(K::kObservationMillis)) {
      start = clamped_epoch_ms(f.get(K::kObservationMillis));
    } else if (f.has(K::kObservationSeconds)) {
      start = epoch_ms_of_seconds(f.get(K::kObservationSeconds));
    } else {
      start = base.export_ms;
    }
    end = start;
  } else if (!has_start) {
    start = end;
  } else if (!has_end) {
    end = start;
  }
  r.start_ms = start;
  r.end_ms = end;

  if (r.proto == 1 || r.proto == 58) {
    if (f.has(K::kIcmpTypeCode)) {
      r.icmp_type = static_cast<uint8_t>(f.get(K::kIcmpTypeCode) >> 8);
      r.icmp_code = static_cast<uint8_t>(f.get(K::kIcmpTypeCode));
      r.has_icmp = true;
    } else if (f.has(K::kIcmpType)) {
      r.icmp_type = static_cast<uint8_t>(f.get(K::kIcmpType));
      r.icmp_code = f.has(K::kIcmpCode) ? static_cast<uint8_t>(f.get(K::kIcmpCode)) : 0;
      r.has_icmp = true;
    } else {
      derive_icmp_from_ports(r);
    }
  }
  return true;
}

uint32_t sampling_rate_of(const FieldValues& f) {
  uint64_t rate = 0;
  if (f.has(K::kSamplingInterval)) {
    rate = f.get(K::kSamplingInterval);
  } else if (f.has(K::kSamplerRandomInterval)) {
    rate = f.get(K::kSamplerRandomInterval);
  } else if (f.has(K::kPacketInterval) && f.get(K::kPacketInterval) > 0) {
    // Systematic count-based sampling (RFC 5476): `interval` packets taken, `space` skipped.
    const uint64_t space = f.has(K::kPacketSpace) ? f.get(K::kPacketSpace) : 0;
    rate = (f.get(K::kPacketInterval) + space) / f.get(K::kPacketInterval);
  } else if (f.has(K::kSamplingSize) && f.has(K::kSamplingPopulation) &&
             f.get(K::kSamplingSize) > 0) {
    rate = f.get(K::kSamplingPopulation) / f.get(K::kSamplingSize);
  }
  return rate > 0xffffffffULL ? 0xffffffffU : static_cast<uint32_t>(rate);
}

bool sampler_id_of(const FieldValues& f, uint64_t& id) {
  return first_of(f, {K::kSamplerId, K::kSelectorId}, id);
}

void derive_icmp_from_ports(FlowRecord& r) {
  if (r.src_port != 0 && r.dst_port < 256) {
    r.icmp_type = static_cast<uint8_t>(r.src_port);
    r.icmp_code = static_cast<uint8_t>(r.dst_port);
  } else {
    r.icmp_type = static_cast<uint8_t>(r.dst_port >> 8);
    r.icmp_code = static_cast<uint8_t>(r.dst_port);
  }
  r.has_icmp = true;
}

void add_scan_spans(const FieldValues& f, uint8_t proto, RecordSpans& spans) {
  constexpr std::pair<FieldKind, ScanTarget> kStrings[] = {
      {K::kApplicationName, ScanTarget::kApplicationName},
      {K::kHttpHost, ScanTarget::kHttpHost},
      {K::kHttpUrl, ScanTarget::kHttpUrl},
      {K::kHttpUserAgent, ScanTarget::kHttpUserAgent},
  };
  for (const auto& [kind, target] : kStrings)
    if (f.has(kind)) spans.add(target, f.bytes_of(kind).data, f.bytes_of(kind).size);
  // One packet section is enough: they show the same packet from different depths.
  FlowRecord scratch;  // the section's own addresses and ports: the record keeps its own
  if (f.has(K::kDataLinkSection)) {
    const auto b = f.bytes_of(K::kDataLinkSection);
    parse_sampled_header(kSflowHeaderEthernet, b.data, b.size, scratch, spans);
  } else if (f.has(K::kIpHeaderSection)) {
    const auto b = f.bytes_of(K::kIpHeaderSection);
    const bool v6 = b.size > 0 && (b.data[0] >> 4) == 6;
    parse_sampled_header(v6 ? kSflowHeaderIpv6 : kSflowHeaderIpv4, b.data, b.size, scratch, spans);
  } else if (f.has(K::kIpPayloadSection)) {
    const auto b = f.bytes_of(K::kIpPayloadSection);
    add_transport_payload(proto, b.data, b.size, spans);
  }
}

}  // namespace synwatch::decode
