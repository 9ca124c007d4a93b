#include "dataplane/detect/session_facts.h"

namespace synwatch::detect {
namespace {

constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10, kUrg = 0x20;

// A probe needs no handshake: its flags alone say what it is. The answer of a closed
// port is a RST (with or without ACK); an open or filtered one stays silent.
ProbeKind stealth_probe(uint8_t flags, uint64_t packets, uint8_t answer, uint64_t answer_packets) {
  if (packets == 0 || packets > 3) return ProbeKind::kNone;
  if (answer_packets > 0 && (answer & ~(kRst | kAck)) != 0) return ProbeKind::kNone;
  if (flags == 0) return answer_packets > 0 || packets == 1 ? ProbeKind::kNull : ProbeKind::kNone;
  if (flags == (kFin | kPsh | kUrg)) return ProbeKind::kXmas;
  if (flags == kFin) return ProbeKind::kFin;
  // A bare ACK answered by a bare RST (nmap -sA): a probe, though no detector of its own.
  if (flags == kAck && answer_packets > 0 && answer == kRst) return ProbeKind::kAck;
  return ProbeKind::kNone;
}

}  // namespace

SessionFacts facts_of(const session::SessionEvent& e) {
  SessionFacts f;
  if (e.proto != 6 || e.perspective == session::Perspective::kExcluded) return f;
  if (e.sampled) {
    const uint8_t c = e.client_flags, s = e.server_flags;
    f.sampled_probe = !e.established && (c & ~(kSyn | kRst)) == 0 && (s & ~(kSyn | kAck | kRst)) == 0 &&
                      ((c & kSyn) != 0 || (s & kRst) != 0);
    return f;
  }
  f.usable = true;
  const uint8_t c = e.client_flags, s = e.server_flags;
  f.attempt = (c & kSyn) != 0;
  if (f.attempt) {
    if (e.failed) f.probe = ProbeKind::kSyn;
    f.half_open = e.failed && c == kSyn && s == (kSyn | kAck);
    return f;
  }
  if ((s & kSyn) != 0 && (s & kAck) == 0) return f;  // a SYN from the other side: not ours to judge
  if (ProbeKind k = stealth_probe(c, e.c2s_packets, s, e.s2c_packets); k != ProbeKind::kNone) {
    f.probe = k;
    return f;
  }
  if (ProbeKind k = stealth_probe(s, e.s2c_packets, c, e.c2s_packets); k != ProbeKind::kNone) {
    f.probe = k;
    f.prober_is_client = false;
    return f;
  }
  // Backscatter: only one side sent anything, and it answered a SYN nobody saw.
  const bool client_only = e.c2s_packets > 0 && e.s2c_packets == 0;
  const bool server_only = e.s2c_packets > 0 && e.c2s_packets == 0;
  const uint8_t sent = client_only ? c : s;
  if ((client_only || server_only) && !e.established &&
      ((sent & (kSyn | kAck)) == (kSyn | kAck) || (sent & kRst) != 0)) {
    f.responder_only = true;
    f.responder_is_server = server_only;
    f.responder_synack = (sent & kSyn) != 0;
  }
  return f;
}

}  // namespace synwatch::detect
