// sFlow v5: flow samples and expanded flow samples become one record each (the sampled
// packet, packets = 1, sampling = the sample's rate, times = the datagram's arrival).
// Counter samples and unknown formats are skipped by their lengths and counted.
#pragma once

#include "dataplane/decode/packet_scope.h"
#include "dataplane/wire/byte_cursor.h"

namespace synwatch::decode {

inline constexpr uint32_t kSflowMaxSamples = 1024;          // per datagram
inline constexpr uint32_t kSflowMaxRecordsPerSample = 256;

void decode_sflow(PacketScope& scope, wire::ByteCursor c);

}  // namespace synwatch::decode
