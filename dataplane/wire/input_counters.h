// What the inputs in front of the decoder count (DPDK ports and kernel sockets), per
// worker; the NIC's own counters are read from the port when summed.
#pragma once

#include "dataplane/wire/counter_list.h"

namespace synwatch::wire {

#define SYNWATCH_INPUT_COUNTERS(X)                                                               \
  X(frames_received, kEvent, "frames (DPDK) or datagrams (kernel socket) received")             \
  X(fragments_reassembled, kEvent, "export datagrams put back together from IP fragments")      \
  X(fragment_dropped, kDrop,                                                                     \
    "IP fragment never completed: reassembly_timeout_ms passed, reassembly table full, or bad fragment") \
  X(datagram_truncated, kDrop, "datagram larger than 64 KiB receive buffer; dropped")           \
  X(socket_buffer_overflow, kDrop, "datagrams the kernel dropped with a socket's receive buffer full") \
  X(receive_error, kDrop, "receive call failed with an error other than 'nothing to read'")     \
  X(nic_missed, kDrop, "frames the NIC dropped for lack of free RX descriptors (imissed)")      \
  X(nic_no_mbuf, kDrop, "frames the NIC dropped for lack of mbufs (rx_nombuf)")                 \
  X(nic_errors, kDrop, "frames the NIC received with errors (ierrors)")

SYNWATCH_DEFINE_COUNTERS(InputCounter, SYNWATCH_INPUT_COUNTERS)
using InputCounters = CounterArray<InputCounter, kInputCounterCount>;

}  // namespace synwatch::wire
