// The packet view over a received mbuf: the worker loop's way from rte_mbuf to the
// UDP datagram the decoder reads. A frame chained over several segments is copied into
// the caller's per-core scratch buffer first (it must hold a maximum-size frame).
#pragma once

#include <cstddef>
#include <cstdint>

#include "dataplane/wire/packet_view.h"

struct rte_mbuf;

namespace synwatch::runtime {

inline constexpr size_t kMaxFrameBytes = 65535 + 64;

struct ScratchFrame {
  alignas(64) uint8_t bytes[kMaxFrameBytes];
};

// Finds the UDP datagram in an Ethernet frame held by `m`; counts the reason when there
// is none. The datagram may point into `scratch` (chained mbufs) or into the mbuf.
bool udp_datagram_of(const rte_mbuf* m, ScratchFrame& scratch, wire::UdpDatagram& out,
                     wire::PacketCounters& counters);

}  // namespace synwatch::runtime
