#include "dataplane/runtime/mbuf_view.h"

#include <rte_mbuf.h>

namespace synwatch::runtime {

bool udp_datagram_of(const rte_mbuf* m, ScratchFrame& scratch, wire::UdpDatagram& out,
                     wire::PacketCounters& counters) {
  const uint8_t* frame = rte_pktmbuf_mtod(m, const uint8_t*);
  size_t length = rte_pktmbuf_data_len(m);
  if (m->nb_segs > 1) {
    length = rte_pktmbuf_pkt_len(m) < kMaxFrameBytes ? rte_pktmbuf_pkt_len(m) : kMaxFrameBytes;
    frame = static_cast<const uint8_t*>(
        rte_pktmbuf_read(m, 0, static_cast<uint32_t>(length), scratch.bytes));
    if (frame == nullptr) {
      counters.add(wire::PacketCounter::truncated_link_header);
      return false;
    }
  }
  return wire::parse_udp_datagram(wire::LinkType::kEthernet, frame, length, out, counters);
}

}  // namespace synwatch::runtime
