#include "dataplane/decode/sampled_header.h"

#include "dataplane/wire/byte_cursor.h"
#include "dataplane/wire/headers.h"

namespace synwatch::decode {
namespace {

using wire::ByteCursor;

constexpr uint8_t kTcp = 6, kUdp = 17, kIcmp = 1, kIcmpV6 = 58;

// What follows the transport header, `rest` bytes on from `c`, if the sampled header
// holds any of it.
void add_payload(ByteCursor c, size_t rest, RecordSpans& spans) {
  if (!c.skip(rest) || c.remaining() == 0) return;
  spans.add(ScanTarget::kPayload, c.current(), static_cast<uint32_t>(c.remaining()));
}

SampledHeader transport(ByteCursor c, FlowRecord& r, RecordSpans& spans) {
  switch (r.proto) {
    case kTcp: {
      const uint8_t* t;
      if (!c.read_bytes(14, t)) return SampledHeader::kNoPorts;
      r.src_port = ByteCursor::load_be16(t);
      r.dst_port = ByteCursor::load_be16(t + 2);
      r.tcp_flags = t[13];
      if (const size_t data_offset = size_t{t[12]} >> 4 << 2; data_offset >= 20)
        add_payload(c, data_offset - 14, spans);
      return SampledHeader::kComplete;
    }
    case kUdp: {
      const uint8_t* u;
      if (!c.read_bytes(4, u)) return SampledHeader::kNoPorts;
      r.src_port = ByteCursor::load_be16(u);
      r.dst_port = ByteCursor::load_be16(u + 2);
      add_payload(c, 4, spans);
      return SampledHeader::kComplete;
    }
    case kIcmp:
    case kIcmpV6: {
      if (!c.read_u8(r.icmp_type) || !c.read_u8(r.icmp_code)) return SampledHeader::kNoPorts;
      r.has_icmp = true;
      return SampledHeader::kComplete;
    }
    default:
      return SampledHeader::kComplete;  // no ports to find
  }
}

SampledHeader ipv4(ByteCursor c, FlowRecord& r, RecordSpans& spans) {
  const uint8_t* h;
  if (!c.read_bytes(20, h) || (h[0] >> 4) != 4) return SampledHeader::kBadIp;
  const size_t ihl = size_t{h[0] & 0x0fu} * 4;
  const uint16_t total = ByteCursor::load_be16(h + 2);
  if (ihl < 20 || total < ihl) return SampledHeader::kBadIp;
  r.src = IpAddress::v4_bytes(h + 12);
  r.dst = IpAddress::v4_bytes(h + 16);
  r.proto = h[9];
  r.tos = h[1];
  r.bytes = total;
  if ((ByteCursor::load_be16(h + 6) & 0x1fff) != 0) return SampledHeader::kNoPorts;  // later fragment
  if (!c.skip(ihl - 20)) return SampledHeader::kNoPorts;
  return transport(c, r, spans);
}

SampledHeader ipv6(ByteCursor c, FlowRecord& r, RecordSpans& spans) {
  const uint8_t* h;
  if (!c.read_bytes(40, h) || (h[0] >> 4) != 6) return SampledHeader::kBadIp;
  r.src = IpAddress::v6_bytes(h + 8);
  r.dst = IpAddress::v6_bytes(h + 24);
  r.tos = static_cast<uint8_t>((h[0] & 0x0f) << 4 | h[1] >> 4);
  r.bytes = uint64_t{ByteCursor::load_be16(h + 4)} + 40;
  r.proto = h[6];
  wire::Ipv6Payload ext;
  if (!wire::skip_ipv6_extensions(c, h[6], ext)) return SampledHeader::kNoPorts;
  r.proto = ext.next_header;
  if (ext.fragment && ext.fragment_offset != 0) return SampledHeader::kNoPorts;
  return transport(c, r, spans);
}

}  // namespace

void add_transport_payload(uint8_t proto, const uint8_t* data, size_t size, RecordSpans& spans) {
  if (proto != kTcp && proto != kUdp) return;
  FlowRecord scratch;
  scratch.proto = proto;
  transport(ByteCursor(data, size), scratch, spans);
}

SampledHeader parse_sampled_header(uint32_t header_protocol, const uint8_t* data, size_t size,
                                   FlowRecord& r, RecordSpans& spans) {
  ByteCursor c(data, size);
  switch (header_protocol) {
    case kSflowHeaderEthernet: {
      uint16_t ethertype;
      if (!wire::skip_ethernet(c, ethertype)) return SampledHeader::kNotIp;
      if (ethertype == wire::kEtherTypeIpv4) return ipv4(c, r, spans);
      if (ethertype == wire::kEtherTypeIpv6) return ipv6(c, r, spans);
      return SampledHeader::kNotIp;
    }
    case kSflowHeaderIpv4:
      return ipv4(c, r, spans);
    case kSflowHeaderIpv6:
      return ipv6(c, r, spans);
    default:
      return SampledHeader::kUnsupportedProtocol;
  }
}

}  // namespace synwatch::decode
