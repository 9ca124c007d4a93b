// Information elements synwatch reads from NetFlow v9 and IPFIX templates, and the
// lengths each may have. Everything else is skipped by its length.
#pragma once

#include <cstddef>
#include <cstdint>

namespace synwatch::decode {

inline constexpr uint16_t kVariableLength = 0xffff;
inline constexpr uint32_t kReversePen = 29305;  // RFC 5103 reverse information elements

enum class FieldKind : uint8_t {
  kSkip,
  kSrcV4, kDstV4, kSrcV6, kDstV6,
  kSrcPort, kDstPort, kProto, kTcpFlags, kTos,
  kBytes, kPackets, kBytesTotal, kPacketsTotal, kBytesPost, kPacketsPost,
  kRevBytes, kRevPackets, kRevBytesTotal, kRevPacketsTotal, kRevTcpFlags,
  kInitiatorBytes, kResponderBytes, kInitiatorPackets, kResponderPackets,
  kInIf, kOutIf, kDirection, kIpVersion,
  kStartUptime, kEndUptime,            // ms since exporter boot (sysUpTime)
  kStartSeconds, kEndSeconds,          // epoch seconds
  kStartMillis, kEndMillis,            // epoch milliseconds
  kStartMicrosNtp, kEndMicrosNtp,      // NTP timestamp format
  kStartNanosNtp, kEndNanosNtp,        // NTP timestamp format
  kStartDeltaMicros, kEndDeltaMicros,  // microseconds before export time
  kObservationSeconds, kObservationMillis,
  kIcmpTypeCode, kIcmpType, kIcmpCode,
  kSamplingInterval, kSamplerId, kSamplerRandomInterval, kSelectorId,
  kPacketInterval, kPacketSpace, kSamplingSize, kSamplingPopulation,
  kSystemInitMillis, kFirewallEvent,
  // Bytes, not numbers (FieldValues::bytes): strings and packet sections that signatures
  // scan. Keep them last: is_bytes_kind() relies on it.
  kApplicationName, kHttpHost, kHttpUrl, kHttpUserAgent,
  kIpHeaderSection, kIpPayloadSection, kDataLinkSection,
  kInterfaceName, kInterfaceDescription,  // options data (interface_table.h)
  kCount
};
inline constexpr FieldKind kFirstBytesKind = FieldKind::kApplicationName;
inline constexpr size_t kBytesKindCount =
    static_cast<size_t>(FieldKind::kCount) - static_cast<size_t>(kFirstBytesKind);
constexpr bool is_bytes_kind(FieldKind k) { return k >= kFirstBytesKind && k < FieldKind::kCount; }
// A kind's bit in a presence mask (FieldValues::present, Template::present). kSkip is
// never present, so it takes no bit and 64 kinds fit.
constexpr uint64_t presence_bit(FieldKind k) {
  return uint64_t{1} << (static_cast<unsigned>(k) - 1);
}
static_assert(static_cast<int>(FieldKind::kCount) <= 65, "FieldValues uses a 64-bit presence mask");

struct FieldSpec {
  uint16_t id = 0;     // element id, enterprise bit cleared
  uint16_t length = 0;  // kVariableLength for IPFIX variable-length encoding
  uint32_t pen = 0;    // enterprise number, 0 for IANA elements
  // IPFIX enterprise bit: an enterprise-specific element, never the IANA one of the same
  // id, even under the reserved enterprise number 0 (found by fuzz_ipfix_differential).
  bool enterprise = false;
};

enum class FieldClass : uint8_t { kKnown, kUnknown, kBadLength };

// What `spec` means to synwatch. NetFlow v9 field types are plain 16-bit numbers (the
// high bit is no enterprise flag there: Cisco's NSEL uses 33002, 40005).
FieldClass classify_field(const FieldSpec& spec, bool netflow_v9, FieldKind& kind);

// A NetFlow v9 options template's scope field (RFC 3954 6.1: 1 System, 2 Interface,
// 3 Line Card, 4 Cache, 5 Template): only Interface is read, as the ingress interface
// index the record describes.
FieldClass classify_v9_scope(const FieldSpec& spec, FieldKind& kind);

}  // namespace synwatch::decode
