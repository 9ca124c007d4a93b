#include "dataplane/session/conn_state.h"

namespace synwatch::session {
namespace {

using namespace tcp;

// Zeek's TCP endpoint states.
enum class Endpoint : uint8_t { kInactive, kSynSent, kSynAckSent, kPartial, kEstablished, kClosed, kReset };

bool has(uint8_t flags, uint8_t bits) { return (flags & bits) == bits; }

// An endpoint's final state from its flag union. RST and FIN end every state (RST last);
// a SYN answered by SYN-ACK establishes both ends, as in Zeek.
Endpoint endpoint_state(const SideView& self, bool handshake) {
  if (!self.seen) return Endpoint::kInactive;
  if (has(self.flags, kRst)) return Endpoint::kReset;
  if (has(self.flags, kFin)) return Endpoint::kClosed;
  if (handshake) return Endpoint::kEstablished;
  if (has(self.flags, kSyn)) return has(self.flags, kAck) ? Endpoint::kSynAckSent : Endpoint::kSynSent;
  return Endpoint::kPartial;
}

bool inactive(Endpoint e) { return e == Endpoint::kInactive || e == Endpoint::kPartial; }

// Zeek counts TCP payload; flows count IP bytes. Packets no larger than their headers
// (with options) carried no payload.
bool no_payload(const SideView& s, bool v6) {
  return s.bytes <= s.packets * (v6 ? 80u : 60u);
}

ConnState conn_state(const SideView& orig, const SideView& resp, bool v6) {
  const bool handshake = has(orig.flags, kSyn) && has(resp.flags, kSyn | kAck);
  const Endpoint os = endpoint_state(orig, handshake);
  const Endpoint rs = endpoint_state(resp, handshake);
  if (rs == Endpoint::kReset) {
    if (os == Endpoint::kSynSent || os == Endpoint::kSynAckSent ||
        (os == Endpoint::kReset && no_payload(orig, v6) && no_payload(resp, v6)))
      return ConnState::REJ;
    return inactive(os) ? ConnState::RSTRH : ConnState::RSTR;
  }
  if (os == Endpoint::kReset) {
    if (!inactive(rs)) return ConnState::RSTO;
    // Zeek: RSTOS0 when the history is SYN then RST with no SYN-ACK, ACK or FIN between.
    // An ACK in the union of a client that never heard back comes from its RST-ACK.
    return has(orig.flags, kSyn) && !has(orig.flags, kFin) ? ConnState::RSTOS0 : ConnState::OTH;
  }
  if (rs == Endpoint::kClosed && os == Endpoint::kClosed) return ConnState::SF;
  if (os == Endpoint::kClosed) return inactive(rs) ? ConnState::SH : ConnState::S2;
  if (rs == Endpoint::kClosed) return inactive(os) ? ConnState::SHR : ConnState::S3;
  if (os == Endpoint::kSynSent && rs == Endpoint::kInactive) return ConnState::S0;
  if (os == Endpoint::kEstablished && rs == Endpoint::kEstablished) return ConnState::S1;
  return ConnState::OTH;
}

}  // namespace

Outcome classify(const SideView& orig, const SideView& resp, bool v6, bool sampled) {
  Outcome o;
  o.state = conn_state(orig, resp, v6);
  const bool attempt = has(orig.flags, kSyn);
  // The client ACKed beyond its SYN, and the server answered with SYN-ACK where its side
  // is visible. A client that only sent SYN and RST-ACK (two packets) did not.
  const bool acked = has(orig.flags, kAck) &&
                     !(has(orig.flags, kRst) && !has(orig.flags, kFin) && orig.packets <= 2);
  o.established = attempt && acked && (!resp.seen || has(resp.flags, kSyn | kAck));
  if (sampled) {
    o.failed = attempt && !o.established && o.state == ConnState::REJ;
  } else {
    o.failed = attempt && !o.established;
  }
  return o;
}

int client_side(const SideView sides[2], const uint16_t ports[2], const bool service[2]) {
  const bool pure_syn[2] = {has(sides[0].flags, kSyn) && !has(sides[0].flags, kAck),
                            has(sides[1].flags, kSyn) && !has(sides[1].flags, kAck)};
  if (pure_syn[0] != pure_syn[1]) return pure_syn[0] ? 0 : 1;
  // A SYN-ACK answering a SYN we never saw (backscatter, asymmetric routing): its
  // sender is the server. Only a bare SYN-ACK: with RST or FIN it could be a client's
  // SYN followed by RST-ACK or FIN-ACK.
  for (int s = 0; s < 2; ++s) {
    const SideView& other = sides[1 - s];
    const bool lone_synack = has(sides[s].flags, kSyn | kAck) && !has(other.flags, kSyn);
    const bool bare = (sides[s].flags & (kRst | kFin)) == 0;
    if (lone_synack && (other.seen || bare)) return 1 - s;
  }
  if (service[0] != service[1]) return service[0] ? 1 : 0;
  const bool well_known[2] = {ports[0] < 1024, ports[1] < 1024};
  if (well_known[0] != well_known[1]) return well_known[0] ? 1 : 0;
  if (ports[0] != ports[1]) return ports[0] < ports[1] ? 1 : 0;
  return 0;
}

bool is_final(const Outcome& o, const SideView& orig, const SideView& resp) {
  if (!orig.seen || !resp.seen) return false;
  return o.state == ConnState::REJ || o.state == ConnState::SF || o.state == ConnState::RSTO ||
         o.state == ConnState::RSTR;
}

}  // namespace synwatch::session
