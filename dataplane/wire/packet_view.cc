#include "dataplane/wire/packet_view.h"

#include "dataplane/wire/byte_cursor.h"
#include "dataplane/wire/headers.h"

namespace synwatch::wire {
namespace {

constexpr uint8_t kProtoUdp = 17;

bool fail(PacketCounters& counters, PacketCounter reason) {
  counters.add(reason);
  return false;
}

bool parse_udp(ByteCursor c, UdpDatagram& out, PacketCounters& counters) {
  uint16_t udp_length;
  if (!c.read_u16(out.src_port) || !c.read_u16(out.dst_port) || !c.read_u16(udp_length) ||
      !c.skip(2))
    return fail(counters, PacketCounter::bad_udp_length);
  // A UDP length of 0 is legal only for IPv6 jumbograms, which export packets never are.
  if (udp_length < 8 || udp_length - 8u > c.remaining())
    return fail(counters, PacketCounter::bad_udp_length);
  out.payload = c.current();
  out.length = udp_length - 8u;
  return true;
}

bool parse_ipv4(ByteCursor c, UdpDatagram& out, PacketCounters& counters) {
  const uint8_t* hdr;
  if (!c.read_bytes(20, hdr)) return fail(counters, PacketCounter::bad_ip_header);
  const size_t ihl = size_t{hdr[0] & 0x0fu} * 4;
  const size_t total = ByteCursor::load_be16(hdr + 2);
  if (ihl < 20 || total < ihl) return fail(counters, PacketCounter::bad_ip_header);
  if (total - 20 > c.remaining()) return fail(counters, PacketCounter::ip_truncated);
  // Trailing bytes beyond the total length are link padding: cut them off.
  c = ByteCursor(c.current(), total - 20);
  if (!c.skip(ihl - 20)) return fail(counters, PacketCounter::bad_ip_header);
  const uint16_t frag = ByteCursor::load_be16(hdr + 6);
  if ((frag & 0x3fff) != 0) return fail(counters, PacketCounter::ip_fragment);
  if (hdr[9] != kProtoUdp) return fail(counters, PacketCounter::not_udp);
  out.src = IpAddress::v4_bytes(hdr + 12);
  out.dst = IpAddress::v4_bytes(hdr + 16);
  return parse_udp(c, out, counters);
}

bool parse_ipv6(ByteCursor c, UdpDatagram& out, PacketCounters& counters) {
  const uint8_t* hdr;
  if (!c.read_bytes(40, hdr)) return fail(counters, PacketCounter::bad_ip_header);
  const size_t payload = ByteCursor::load_be16(hdr + 4);
  if (payload > c.remaining()) return fail(counters, PacketCounter::ip_truncated);
  c = ByteCursor(c.current(), payload);
  Ipv6Payload ext;
  if (!skip_ipv6_extensions(c, hdr[6], ext))
    return fail(counters, PacketCounter::ipv6_extension_chain);
  if (ext.fragment && (ext.fragment_offset != 0 || ext.more_fragments))
    return fail(counters, PacketCounter::ip_fragment);
  if (ext.next_header != kProtoUdp) return fail(counters, PacketCounter::not_udp);
  out.src = IpAddress::v6_bytes(hdr + 8);
  out.dst = IpAddress::v6_bytes(hdr + 24);
  return parse_udp(c, out, counters);
}

bool parse_by_ethertype(uint16_t ethertype, ByteCursor c, UdpDatagram& out,
                        PacketCounters& counters) {
  if (ethertype == kEtherTypeIpv4) return parse_ipv4(c, out, counters);
  if (ethertype == kEtherTypeIpv6) return parse_ipv6(c, out, counters);
  return fail(counters, PacketCounter::not_ip);
}

// BSD loopback address families: AF_INET is 2 everywhere, AF_INET6 differs by OS.
bool parse_by_family(uint32_t family, ByteCursor c, UdpDatagram& out, PacketCounters& counters) {
  if (family == 2) return parse_ipv4(c, out, counters);
  if (family == 10 || family == 24 || family == 28 || family == 30)
    return parse_ipv6(c, out, counters);
  return fail(counters, PacketCounter::not_ip);
}

}  // namespace

bool link_type_supported(int linktype) {
  switch (static_cast<LinkType>(linktype)) {
    case LinkType::kNull:
    case LinkType::kEthernet:
    case LinkType::kRaw:
    case LinkType::kLoop:
    case LinkType::kLinuxSll:
    case LinkType::kIpv4:
    case LinkType::kIpv6:
    case LinkType::kLinuxSll2:
      return true;
  }
  return false;
}

bool parse_ip_udp(const uint8_t* ip, size_t size, UdpDatagram& out, PacketCounters& counters) {
  if (size < 1) return fail(counters, PacketCounter::bad_ip_header);
  const uint8_t version = ip[0] >> 4;
  ByteCursor c(ip, size);
  if (version == 4) return parse_ipv4(c, out, counters);
  if (version == 6) return parse_ipv6(c, out, counters);
  return fail(counters, PacketCounter::not_ip);
}

bool parse_udp_datagram(LinkType link, const uint8_t* frame, size_t size, UdpDatagram& out,
                        PacketCounters& counters) {
  ByteCursor c(frame, size);
  switch (link) {
    case LinkType::kEthernet: {
      uint16_t ethertype;
      if (!skip_ethernet(c, ethertype)) return fail(counters, PacketCounter::truncated_link_header);
      return parse_by_ethertype(ethertype, c, out, counters);
    }
    case LinkType::kLinuxSll: {  // 16 bytes, protocol in the last two
      uint16_t protocol;
      if (!c.skip(14) || !c.read_u16(protocol))
        return fail(counters, PacketCounter::truncated_link_header);
      return parse_by_ethertype(protocol, c, out, counters);
    }
    case LinkType::kLinuxSll2: {  // 20 bytes, protocol first
      uint16_t protocol;
      if (!c.read_u16(protocol) || !c.skip(18))
        return fail(counters, PacketCounter::truncated_link_header);
      return parse_by_ethertype(protocol, c, out, counters);
    }
    case LinkType::kNull: {
      const uint8_t* f;
      if (!c.read_bytes(4, f)) return fail(counters, PacketCounter::truncated_link_header);
      // Host byte order of the capturing machine: accept either.
      uint32_t le = uint32_t{f[0]} | uint32_t{f[1]} << 8 | uint32_t{f[2]} << 16 |
                    uint32_t{f[3]} << 24;
      uint32_t family = le < 256 ? le : ByteCursor::load_be32(f);
      return parse_by_family(family, c, out, counters);
    }
    case LinkType::kLoop: {
      uint32_t family;
      if (!c.read_u32(family)) return fail(counters, PacketCounter::truncated_link_header);
      return parse_by_family(family, c, out, counters);
    }
    case LinkType::kRaw:
      return parse_ip_udp(frame, size, out, counters);
    case LinkType::kIpv4:
      return parse_ipv4(c, out, counters);
    case LinkType::kIpv6:
      return parse_ipv6(c, out, counters);
  }
  return fail(counters, PacketCounter::unsupported_link_type);
}

}  // namespace synwatch::wire
