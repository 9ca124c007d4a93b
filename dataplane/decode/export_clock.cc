#include "dataplane/decode/export_clock.h"

#include <algorithm>

namespace synwatch::decode {

int64_t guarded_export_ms(DomainState& d, int64_t& newest_ms, int64_t header_ms, int64_t jump_ms,
                          DecodeCounters& counters) {
  if (jump_ms <= 0) return header_ms;
  const int64_t reference = std::max(d.clock_ms, newest_ms);
  auto accept = [&] {
    d.clock_ms = header_ms;  // follows the exporter back too: a later step forward is judged from here
    newest_ms = std::max(newest_ms, header_ms);
    d.jump_packets = 0;
    return header_ms;
  };
  if (reference == 0 || header_ms <= reference + jump_ms) return accept();
  // Ahead: a run of packets that agree with each other is a real jump.
  const bool consistent = d.jump_packets > 0 && header_ms >= d.jump_ms &&
                          header_ms <= d.jump_ms + jump_ms;
  d.jump_packets = consistent ? static_cast<uint8_t>(d.jump_packets + 1) : 1;
  d.jump_ms = header_ms;
  if (d.jump_packets >= kJumpConfirmations) {
    counters.add(DecodeCounter::export_clock_jump);
    return accept();
  }
  counters.add(DecodeCounter::export_clock_ahead);
  return reference;
}

}  // namespace synwatch::decode
