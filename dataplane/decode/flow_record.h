// FlowRecord: one normalized flow record, whatever protocol it came from
// (DESIGN.md section 5, 'record').
#pragma once

#include <cstdint>
#include <string_view>

#include "dataplane/decode/scan_span.h"
#include "dataplane/wire/ip_address.h"

namespace synwatch::decode {

using wire::IpAddress;

enum class ExportVersion : uint8_t { kNetflowV5, kNetflowV9, kIpfix, kSflow };

constexpr std::string_view version_name(ExportVersion v) {
  switch (v) {
    case ExportVersion::kNetflowV5: return "v5";
    case ExportVersion::kNetflowV9: return "v9";
    case ExportVersion::kIpfix: return "ipfix";
    case ExportVersion::kSflow: return "sflow";
  }
  return "?";
}

struct FlowRecord {
  IpAddress exporter;  // the address export packets come from
  IpAddress src;
  IpAddress dst;
  ExportVersion version = ExportVersion::kNetflowV5;  // here: it fills the addresses' padding
  // v5: engine_type << 8 | engine_id; v9: source id; IPFIX: observation domain;
  // sFlow: sub-agent id.
  uint32_t domain = 0;
  // 1-in-N packet sampling the exporter applied; 1 when unsampled or not stated.
  uint32_t sampling = 1;
  uint32_t in_if = 0;
  uint32_t out_if = 0;
  uint64_t packets = 0;
  uint64_t bytes = 0;  // the exporter's octet count as sent: never scaled by sampling
  // Reverse direction of a bi-flow (RFC 5103) or NSEL responder counters.
  uint64_t rev_packets = 0;
  uint64_t rev_bytes = 0;
  int64_t start_ms = 0;  // epoch milliseconds
  int64_t end_ms = 0;
  // The export packet's header time (sFlow: its arrival): the exporter's clock, which
  // drives session decisions deterministically.
  int64_t export_ms = 0;
  uint16_t src_port = 0;  // as exported; ICMP exporters put type/code here in different ways
  uint16_t dst_port = 0;
  // What a signature said the record's bytes were (signature/label_registry.h); 0: none.
  uint16_t label = 0;
  uint8_t proto = 0;
  uint8_t tcp_flags = 0;
  uint8_t rev_tcp_flags = 0;
  uint8_t tos = 0;
  uint8_t icmp_type = 0;  // valid when has_icmp
  uint8_t icmp_code = 0;
  uint8_t firewall_event = 0;  // NSEL / IPFIX firewallEvent, valid when has_firewall_event
  // One byte: what the record has, and the roles (InterfaceRole) of its ingress
  // interface, where the source lies, and its egress interface, where the destination
  // lies (interface_table.h).
  bool has_reverse : 1 = false;
  bool has_icmp : 1 = false;
  bool has_firewall_event : 1 = false;
  uint8_t src_role : 2 = 0;
  uint8_t dst_role : 2 = 0;
};
static_assert(sizeof(FlowRecord) == 144, "records cross between workers: keep them compact");

// Receives decoded records. Decoders call it once per record, in packet order.
class RecordSink {
 public:
  virtual ~RecordSink() = default;
  virtual void on_record(const FlowRecord& record) = 0;
  // A record with bytes a signature may scan (scan_span.h); sinks that do not scan
  // take the record alone.
  virtual void on_record_with_spans(const FlowRecord& record, const RecordSpans& spans) {
    (void)spans;
    on_record(record);
  }
};

// Where an export packet came from and when it arrived (capture time in replay).
struct ExportContext {
  IpAddress exporter;
  int64_t receive_ms = 0;
};

}  // namespace synwatch::decode
