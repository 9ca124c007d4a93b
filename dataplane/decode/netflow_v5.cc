#include "dataplane/decode/netflow_v5.h"

#include "dataplane/decode/record_builder.h"

namespace synwatch::decode {

void decode_netflow_v5(PacketScope& scope, wire::ByteCursor c) {
  const uint8_t* h;
  if (!c.read_bytes(kV5HeaderSize, h)) {
    scope.count(DecodeCounter::v5_truncated_header);
    return;
  }
  using wire::ByteCursor;
  const uint16_t count = ByteCursor::load_be16(h + 2);
  const uint32_t uptime = ByteCursor::load_be32(h + 4);
  const uint32_t unix_secs = ByteCursor::load_be32(h + 8);
  const uint32_t unix_nsecs = ByteCursor::load_be32(h + 12);
  const uint32_t flow_sequence = ByteCursor::load_be32(h + 16);
  const uint32_t domain = uint32_t{h[20]} << 8 | h[21];  // engine type, engine id
  const uint16_t sampling_interval = ByteCursor::load_be16(h + 22) & 0x3fff;
  if (count == 0 || count > kV5MaxRecords) {
    scope.count(DecodeCounter::v5_bad_count);
    return;
  }
  const size_t available = c.remaining() / kV5RecordSize;
  const size_t records = available < count ? available : count;
  if (records < count) scope.count(DecodeCounter::v5_short_packet);

  DomainState& d = scope.exporter.domain(ExportVersion::kNetflowV5, domain, scope.ctx.receive_ms);
  // The flow sequence counts the records sent before this packet.
  scope.count(DecodeCounter::v5_records_lost,
              track_sequence(d, scope.exporter.counters, flow_sequence, count));

  const int64_t export_ms = int64_t{unix_secs} * 1000 + unix_nsecs / 1000000;
  uint32_t sampling = scope.exporter.static_sampling;
  if (sampling == 0) sampling = sampling_interval > 0 ? sampling_interval : 1;

  FlowRecord r;
  r.exporter = scope.ctx.exporter;
  r.version = ExportVersion::kNetflowV5;
  r.domain = domain;
  r.sampling = sampling;
  r.export_ms = scope.export_clock(d, export_ms);
  for (size_t i = 0; i < records; ++i) {
    const uint8_t* p = c.current() + i * kV5RecordSize;
    r.src = IpAddress::v4_bytes(p);
    r.dst = IpAddress::v4_bytes(p + 4);
    r.in_if = ByteCursor::load_be16(p + 12);
    r.out_if = ByteCursor::load_be16(p + 14);
    r.packets = ByteCursor::load_be32(p + 16);
    r.bytes = ByteCursor::load_be32(p + 20);
    // FIRST_SWITCHED of 0 is taken as uptime 0 (softflowd -a sends it for its first flow).
    r.start_ms = uptime_to_epoch_ms(export_ms, uptime, ByteCursor::load_be32(p + 24));
    r.end_ms = uptime_to_epoch_ms(export_ms, uptime, ByteCursor::load_be32(p + 28));
    r.src_port = ByteCursor::load_be16(p + 32);
    r.dst_port = ByteCursor::load_be16(p + 34);
    r.tcp_flags = p[37];
    r.proto = p[38];
    r.tos = p[39];
    r.has_icmp = false;
    r.icmp_type = r.icmp_code = 0;
    if (r.proto == 1 || r.proto == 58) derive_icmp_from_ports(r);
    if (!scope.emit(r)) return;
  }
}

}  // namespace synwatch::decode
