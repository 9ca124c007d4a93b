#include "dataplane/wire/headers.h"

namespace synwatch::wire {

bool skip_ethernet(ByteCursor& c, uint16_t& ethertype) {
  if (!c.skip(12) || !c.read_u16(ethertype)) return false;
  for (int tags = 0; ethertype == 0x8100 || ethertype == 0x88a8 || ethertype == 0x9100; ++tags) {
    if (tags == kMaxVlanTags) return false;
    if (!c.skip(2) || !c.read_u16(ethertype)) return false;
  }
  return true;
}

bool skip_ipv6_extensions(ByteCursor& c, uint8_t next, Ipv6Payload& out) {
  for (int depth = 0;; ++depth) {
    switch (next) {
      case 0:    // hop-by-hop options
      case 43:   // routing
      case 60:   // destination options
      case 135:  // mobility
      {
        if (depth == kMaxIpv6Extensions) return false;
        uint8_t hdr_ext_len;
        if (!c.read_u8(next) || !c.read_u8(hdr_ext_len)) return false;
        if (!c.skip(size_t{hdr_ext_len} * 8 + 6)) return false;
        break;
      }
      case 51: {  // authentication header: length in 4-byte units, minus 2
        if (depth == kMaxIpv6Extensions) return false;
        uint8_t payload_len;
        if (!c.read_u8(next) || !c.read_u8(payload_len)) return false;
        if (!c.skip((size_t{payload_len} + 2) * 4 - 2)) return false;
        break;
      }
      case 44: {  // fragment
        if (depth == kMaxIpv6Extensions) return false;
        uint8_t reserved;
        uint16_t offset_flags;
        if (!c.read_u8(next) || !c.read_u8(reserved) || !c.read_u16(offset_flags) || !c.skip(4))
          return false;
        out.fragment = true;
        out.fragment_offset = static_cast<uint16_t>(offset_flags >> 3);
        out.more_fragments = (offset_flags & 1) != 0;
        break;
      }
      default:
        out.next_header = next;
        return true;
    }
  }
}

}  // namespace synwatch::wire
