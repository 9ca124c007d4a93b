// The export clock: what a record's `export_ms` says, which drives every session and
// detector decision (the watermark is the newest export time seen). One exporter whose
// clock leaps ahead (a bad RTC, a corrupted header, a one-off glitch) would otherwise
// move that watermark for everyone: sessions of every exporter decided early, then
// nothing decided until real time caught up. A header time more than `jump_ms` ahead of
// both its domain's clock and the newest time this decoder accepted is held to that
// clock (counted export_clock_ahead) until the domain sends `kJumpConfirmations`
// consistent packets in a row: then the jump is real (an NTP step, a restart) and is
// taken (export_clock_jump). Decided from the packets alone, so replay is deterministic.
//
// It does not stop forged exports: a spoofer can send consistent times too. Filter
// exporters at the network edge for that.
#pragma once

#include <cstdint>

#include "dataplane/decode/decode_counters.h"
#include "dataplane/decode/exporter_state.h"

namespace synwatch::decode {

inline constexpr uint8_t kJumpConfirmations = 3;

// The export time a packet's records carry. `newest_ms` is the decoder's newest accepted
// export time (all exporters). `jump_ms` 0 turns the guard off.
int64_t guarded_export_ms(DomainState& d, int64_t& newest_ms, int64_t header_ms, int64_t jump_ms,
                          DecodeCounters& counters);

}  // namespace synwatch::decode
