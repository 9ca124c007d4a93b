// The packet inside an sFlow raw-header record: the first bytes of a frame a switch
// sampled (Ethernet, 802.1Q / QinQ, IPv4, IPv6 with extension headers, TCP, UDP, ICMP).
// The header is usually cut short; IP length fields still tell the packet's real size.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dataplane/decode/flow_record.h"
#include "dataplane/decode/scan_span.h"

namespace synwatch::decode {

// sFlow header_protocol values (sFlow v5 spec, sampled_header).
inline constexpr uint32_t kSflowHeaderEthernet = 1;
inline constexpr uint32_t kSflowHeaderIpv4 = 11;
inline constexpr uint32_t kSflowHeaderIpv6 = 12;

enum class SampledHeader : uint8_t {
  kComplete,     // addresses, length and (for TCP/UDP) ports and flags
  kNoPorts,      // addresses and length; the transport header was cut off or absent
  kNotIp,
  kBadIp,
  kUnsupportedProtocol,
};

// Fills src, dst, proto, bytes (IPv4 total length, or IPv6 payload length + 40), ports,
// TCP flags and ICMP type/code of `r` from the sampled header, and adds to `spans` the
// TCP or UDP payload the header still holds (the bytes signatures scan).
SampledHeader parse_sampled_header(uint32_t header_protocol, const uint8_t* data, size_t size,
                                   FlowRecord& r, RecordSpans& spans);

// Adds the payload after the TCP or UDP header at `data` (an IP payload: the transport
// header first) to `spans`; nothing for other protocols or when none is left.
void add_transport_payload(uint8_t proto, const uint8_t* data, size_t size, RecordSpans& spans);

}  // namespace synwatch::decode
