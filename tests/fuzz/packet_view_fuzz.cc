// libFuzzer target: a captured frame through the packet view (link layer, IPv4/IPv6
// with extension headers, UDP) under every link type the replay reads. The first byte
// picks the link type. Beyond the sanitizers: a datagram found lies inside the frame.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "dataplane/wire/packet_view.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace synwatch::wire;
  static constexpr LinkType kLinks[] = {LinkType::kNull,     LinkType::kEthernet, LinkType::kRaw,
                                        LinkType::kLoop,     LinkType::kLinuxSll, LinkType::kIpv4,
                                        LinkType::kIpv6,     LinkType::kLinuxSll2};
  if (size < 1) return 0;
  const LinkType link = kLinks[data[0] % (sizeof kLinks / sizeof kLinks[0])];
  const uint8_t* frame = data + 1;
  const size_t length = size - 1;
  UdpDatagram d;
  PacketCounters counters;
  if (parse_udp_datagram(link, frame, length, d, counters)) {
    if (d.payload < frame || d.payload + d.length > frame + length) std::abort();
  }
  return 0;
}
