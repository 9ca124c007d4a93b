// Header walkers shared by the packet view (export packets we receive) and the sFlow
// sampled-header parser (packets a switch saw): Ethernet with VLAN tags, and the IPv6
// extension header chain. Both stop at a fixed depth so a crafted chain cannot loop.
#pragma once

#include <cstdint>

#include "dataplane/wire/byte_cursor.h"

namespace synwatch::wire {

inline constexpr uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
inline constexpr int kMaxVlanTags = 4;
inline constexpr int kMaxIpv6Extensions = 8;

// Moves past the Ethernet header and any 802.1Q / 802.1ad / QinQ tags. False when
// truncated or deeper than kMaxVlanTags.
bool skip_ethernet(ByteCursor& c, uint16_t& ethertype);

struct Ipv6Payload {
  uint8_t next_header = 0;    // the upper-layer protocol after the extension headers
  bool fragment = false;      // a Fragment header was present
  uint16_t fragment_offset = 0;  // in 8-byte units
  bool more_fragments = false;
};

// `c` starts right after the fixed 40-byte IPv6 header. Moves past hop-by-hop, routing,
// fragment, destination options, AH and mobility headers. False when truncated or
// deeper than kMaxIpv6Extensions.
bool skip_ipv6_extensions(ByteCursor& c, uint8_t first_next_header, Ipv6Payload& out);

}  // namespace synwatch::wire
