// Turns the fields of one NetFlow v9 / IPFIX data record into a FlowRecord: counters by
// precedence, every timestamp form to epoch milliseconds, ICMP type and code, sampling.
#pragma once

#include <array>
#include <cstdint>

#include "dataplane/decode/flow_record.h"
#include "dataplane/decode/scan_span.h"
#include "dataplane/decode/template_cache.h"
#include "dataplane/wire/byte_cursor.h"

namespace synwatch::decode {

// The values of one record, by kind. Only kinds whose bit is set in `present` are valid,
// so nothing is cleared per record but the mask. IPv4 addresses are values like the
// others (host order); IPv6 addresses have fields of their own.
struct FieldValues {
  struct Bytes {
    const uint8_t* data;  // into the export packet being decoded
    uint16_t size;
  };
  uint64_t present = 0;
  IpAddress src6;
  IpAddress dst6;
  std::array<uint64_t, static_cast<size_t>(FieldKind::kCount)> v;
  std::array<Bytes, kBytesKindCount> bytes;  // the byte kinds' values (is_bytes_kind)

  bool has(FieldKind k) const { return (present & presence_bit(k)) != 0; }
  uint64_t get(FieldKind k) const { return v[static_cast<size_t>(k)]; }
  Bytes bytes_of(FieldKind k) const {
    return bytes[static_cast<size_t>(k) - static_cast<size_t>(kFirstBytesKind)];
  }
  // Any of the byte kinds present.
  bool has_bytes() const { return present >= presence_bit(kFirstBytesKind); }
};

// The spans of `f` that signatures scan: string fields as they are; packet sections
// (ipHeaderPacketSection, ipPayloadPacketSection, dataLinkFrameSection) as the transport
// payload they hold, found as in an sFlow raw header. `proto` is the record's.
void add_scan_spans(const FieldValues& f, uint8_t proto, RecordSpans& spans);

// Reads one record laid out by `tmpl`. False when a variable-length field runs past the end.
bool read_fields(const Template& tmpl, wire::ByteCursor& c, FieldValues& out);

// What the export header says about time.
struct TimeBase {
  ExportVersion version = ExportVersion::kNetflowV9;
  int64_t export_ms = 0;        // header export time (whole seconds for v9 and IPFIX)
  uint32_t sys_uptime_ms = 0;   // NetFlow v9 header sysUpTime
  int64_t system_init_ms = -1;  // IPFIX systemInitTimeMilliseconds from options; -1 unknown
};

// Epoch ms of a sysUpTime-relative time: the signed distance from the header's sysUpTime,
// so a counter that wrapped between flow start and export still gives the right time.
// The latest time a record may carry, 9999-12-31T23:59:59.999Z: exported times are
// clamped to it, so a field of any width (an 8-byte flowStartSeconds) cannot overflow
// the arithmetic on times that follows (found by fuzz_decode_v9).
inline constexpr int64_t kLatestEpochMs = 253402300799999;
inline int64_t clamped_epoch_ms(uint64_t ms) {
  return ms > uint64_t{kLatestEpochMs} ? kLatestEpochMs : static_cast<int64_t>(ms);
}

inline int64_t uptime_to_epoch_ms(int64_t export_ms, uint32_t header_uptime_ms,
                                  uint32_t uptime_ms) {
  return export_ms - static_cast<int32_t>(header_uptime_ms - uptime_ms);
}

// False when the record has no source or destination address (not a flow).
// `time_base_unknown` is set when uptime-relative times had no base and export time stood in.
bool build_flow_record(const FieldValues& f, const TimeBase& base, FlowRecord& out,
                       bool& time_base_unknown);

// The 1-in-N rate the fields announce (samplingInterval, samplerRandomInterval,
// samplingPacketInterval/Space, samplingSize/Population); 0 when they announce none.
uint32_t sampling_rate_of(const FieldValues& f);

// The sampler or selector id the record refers to, if any.
bool sampler_id_of(const FieldValues& f, uint64_t& id);

// ICMP type and code from the port fields: the common encoding puts type << 8 | code in
// the destination port; fprobe puts the type in the source port and the code in the
// destination port.
void derive_icmp_from_ports(FlowRecord& r);

}  // namespace synwatch::decode
