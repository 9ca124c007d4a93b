// How a TCP session ended, from what flow records can tell: the OR of each side's TCP
// flags, whether each side was seen at all, and its packet and byte counts.
//
// States are Zeek's conn_state names and follow its rules (base/protocols/conn/main.zeek
// conn_state() over the endpoint states of Zeek's TCP analyzer); flag unions lose the
// order of packets, so each endpoint's state is the one its flags make certain.
#pragma once

#include <cstdint>
#include <string_view>

namespace synwatch::session {

enum class ConnState : uint8_t { S0, S1, SF, REJ, S2, S3, RSTO, RSTR, RSTOS0, RSTRH, SH, SHR, OTH };
inline constexpr size_t kConnStateCount = 13;

constexpr std::string_view state_name(ConnState s) {
  constexpr std::string_view names[] = {"S0",   "S1",   "SF",     "REJ",   "S2", "S3", "RSTO",
                                        "RSTR", "RSTOS0", "RSTRH", "SH",  "SHR", "OTH"};
  return names[static_cast<size_t>(s)];
}

namespace tcp {
inline constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10,
                         kUrg = 0x20;
}

// One side of a session as its records show it (as a sender).
struct SideView {
  uint8_t flags = 0;
  bool seen = false;  // at least one record from this side
  uint64_t packets = 0;
  uint64_t bytes = 0;
};

struct Outcome {
  ConnState state = ConnState::OTH;
  bool established = false;  // the handshake completed
  bool failed = false;       // an attempt (client SYN) that never became established
};

// `orig` is the client (initiator), `resp` the server. `v6` tunes the header-size
// estimate used to tell empty RSTs from RSTs after data. On sampled data absence proves
// nothing: only positive evidence (a rejecting RST) makes a sampled session failed.
Outcome classify(const SideView& orig, const SideView& resp, bool v6, bool sampled);

// Which side (0 or 1) initiated: the side with SYN and no ACK; else the other side of a
// lone SYN-ACK; else a configured service or the well-known or lower port is the server.
// `service[i]` says whether side i's address:port is a configured service.
int client_side(const SideView sides[2], const uint16_t ports[2], const bool service[2]);

// Early decision: with both sides seen, REJ, SF, RSTO and RSTR cannot change any more.
bool is_final(const Outcome& o, const SideView& orig, const SideView& resp);

}  // namespace synwatch::session
