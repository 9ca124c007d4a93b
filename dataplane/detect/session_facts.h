// What a decided session means to the detectors, read from its flag unions: was it a
// connection attempt, a probe (and of which kind, from which side), a responder-only
// answer (backscatter). One place, so every detector reads sessions the same way.
#pragma once

#include <cstdint>

#include "dataplane/session/session_event.h"

namespace synwatch::detect {

enum class ProbeKind : uint8_t { kNone, kSyn, kNull, kXmas, kFin, kAck };
enum class StealthKind : uint8_t { kNull, kXmas, kFin };

struct SessionFacts {
  bool usable = false;     // TCP, not excluded, not sampled
  // Sampled input: what was seen of the session is a probe's part (the client's SYN or
  // RST, the server's SYN-ACK or RST) and nothing of a conversation. A conversation's
  // sampled handshake can look like this too; only many of them, to many ports, make a
  // scan (port_scan's sampled estimate).
  bool sampled_probe = false;
  bool attempt = false;    // the client opened with SYN
  ProbeKind probe = ProbeKind::kNone;
  bool prober_is_client = true;  // stealth probes: the flags, not the ports, tell the prober
  bool responder_only = false;   // one side only, answering: SYN-ACK or RST, no SYN seen
  bool responder_is_server = true;
  bool responder_synack = false;
  // A SYN answered by a SYN-ACK, then nothing from the client: not even the RST a real
  // host sends for a SYN-ACK it did not expect. The SYN's source was forged (a spoofed
  // flood), so the SYN-ACK is backscatter the server sends to an address that never
  // called it.
  bool half_open = false;
};

SessionFacts facts_of(const session::SessionEvent& e);

inline bool is_stealth(ProbeKind k) { return k == ProbeKind::kNull || k == ProbeKind::kXmas || k == ProbeKind::kFin; }
inline StealthKind stealth_kind(ProbeKind k) {
  return k == ProbeKind::kNull ? StealthKind::kNull : k == ProbeKind::kXmas ? StealthKind::kXmas : StealthKind::kFin;
}

}  // namespace synwatch::detect
