// NetFlow v5: a 24-byte header and up to 30 fixed 48-byte records.
#pragma once

#include "dataplane/decode/packet_scope.h"
#include "dataplane/wire/byte_cursor.h"

namespace synwatch::decode {

inline constexpr size_t kV5HeaderSize = 24;
inline constexpr size_t kV5RecordSize = 48;
inline constexpr uint16_t kV5MaxRecords = 30;

void decode_netflow_v5(PacketScope& scope, wire::ByteCursor c);

}  // namespace synwatch::decode
