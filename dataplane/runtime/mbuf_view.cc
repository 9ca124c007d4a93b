#include "dataplane/runtime/mbuf_view.h"

#include <rte_mbuf.h>

#include <algorithm>
#include <cstring>

namespace synwatch::runtime {
namespace {

// Copies a chained frame into `scratch`, at most kMaxFrameBytes. The segments' own
// lengths bound the copy, never pkt_len: a driver that miscounts (net_pcap gives a
// frame past 64 KiB a pkt_len its chain does not hold) must not send the copy past the
// last segment. At most nb_segs segments, so a looped chain cannot hang the worker.
size_t copy_chain(const rte_mbuf* m, ScratchFrame& scratch) {
  size_t copied = 0;
  uint16_t segments = m->nb_segs;
  for (const rte_mbuf* s = m; s != nullptr && segments-- > 0 && copied < kMaxFrameBytes; s = s->next) {
    const size_t n = std::min<size_t>(s->data_len, kMaxFrameBytes - copied);
    std::memcpy(scratch.bytes + copied, rte_pktmbuf_mtod(s, const uint8_t*), n);
    copied += n;
  }
  return std::min<size_t>(copied, rte_pktmbuf_pkt_len(m));
}

}  // namespace

bool udp_datagram_of(const rte_mbuf* m, ScratchFrame& scratch, wire::UdpDatagram& out,
                     wire::PacketCounters& counters) {
  if (m->nb_segs > 1) {
    const size_t length = copy_chain(m, scratch);
    return wire::parse_udp_datagram(wire::LinkType::kEthernet, scratch.bytes, length, out, counters);
  }
  return wire::parse_udp_datagram(wire::LinkType::kEthernet, rte_pktmbuf_mtod(m, const uint8_t*),
                                  rte_pktmbuf_data_len(m), out, counters);
}

}  // namespace synwatch::runtime
