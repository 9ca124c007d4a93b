// Packet view: finds the UDP datagram inside a received frame (Ethernet with up to two
// VLAN tags, Linux cooked v1/v2, BSD loopback, raw IP), over IPv4 or IPv6.
//
// Pure and allocation-free: the view points into the frame. Anything that is not an
// intact, unfragmented UDP datagram gets a named drop reason.
#pragma once

#include <cstddef>
#include <cstdint>

#include "dataplane/wire/counter_list.h"
#include "dataplane/wire/ip_address.h"

namespace synwatch::wire {

// LINKTYPE_* values of the pcap and pcapng formats.
enum class LinkType : uint16_t {
  kNull = 0,          // BSD loopback: 4-byte address family in host order
  kEthernet = 1,
  kRaw = 101,         // raw IPv4 or IPv6, told apart by the version nibble
  kLoop = 108,        // OpenBSD loopback: 4-byte address family in network order
  kLinuxSll = 113,
  kIpv4 = 228,
  kIpv6 = 229,
  kLinuxSll2 = 276,
};
bool link_type_supported(int linktype);

#define SYNWATCH_PACKET_COUNTERS(X)                                                         \
  X(truncated_link_header, kDrop, "frame shorter than its link-layer header")              \
  X(unsupported_link_type, kDrop, "capture link type is not Ethernet, Linux cooked, loopback or raw IP") \
  X(not_ip, kDrop, "frame carries neither IPv4 nor IPv6 (ARP, LLDP, ...)")                 \
  X(bad_ip_header, kDrop, "IP version, header length or total length is inconsistent")     \
  X(ip_truncated, kDrop, "fewer bytes arrived than the IP header's length says")           \
  X(ip_fragment, kDrop, "IP fragment not reassembled (offline replay; the daemon reassembles)")  \
  X(ipv6_extension_chain, kDrop, "IPv6 extension header chain too long or truncated")      \
  X(not_udp, kDrop, "IP payload is not UDP")                                               \
  X(bad_udp_length, kDrop, "UDP length shorter than its header or longer than the IP payload")

SYNWATCH_DEFINE_COUNTERS(PacketCounter, SYNWATCH_PACKET_COUNTERS)
using PacketCounters = CounterArray<PacketCounter, kPacketCounterCount>;

struct UdpDatagram {
  IpAddress src;
  IpAddress dst;
  uint16_t src_port = 0;
  uint16_t dst_port = 0;
  const uint8_t* payload = nullptr;
  size_t length = 0;
};

// Returns true and fills `out` for an intact UDP datagram; otherwise counts the reason.
bool parse_udp_datagram(LinkType link, const uint8_t* frame, size_t size, UdpDatagram& out,
                        PacketCounters& counters);

// The same from the IP header on (used where the link layer is already stripped).
bool parse_ip_udp(const uint8_t* ip, size_t size, UdpDatagram& out, PacketCounters& counters);

}  // namespace synwatch::wire
