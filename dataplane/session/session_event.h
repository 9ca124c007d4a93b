// SessionEvent: one decided TCP session (DESIGN.md section 5, 'session').
#pragma once

#include <array>
#include <cstdint>

#include "dataplane/session/conn_state.h"
#include "dataplane/session/perspective.h"
#include "dataplane/wire/ip_address.h"

namespace synwatch::session {

// What decided the session: certainty, or which deadline passed.
enum class Decision : uint8_t { kFinal, kAnswerWindow, kIdle, kLifetime, kEvicted, kFlush };

struct SessionEvent {
  wire::IpAddress client;
  wire::IpAddress server;
  uint16_t client_port = 0;
  uint16_t server_port = 0;
  uint8_t proto = 6;
  ConnState state = ConnState::OTH;
  bool established = false;
  bool failed = false;
  Perspective perspective = Perspective::kEdge;
  uint8_t client_flags = 0;
  uint8_t server_flags = 0;
  uint64_t c2s_packets = 0, c2s_bytes = 0, s2c_packets = 0, s2c_bytes = 0;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::array<wire::IpAddress, 2> exporters{};
  uint8_t exporter_count = 0;
  bool sampled = false;
  uint32_t sampling = 1;  // the largest rate among the session's records
  // Sampled sessions only: packets seen with SYN (no ACK), SYN-ACK, RST and FIN, each
  // scaled by the sampling rate: the detectors' per-packet estimates.
  uint64_t syn_packets = 0, synack_packets = 0, rst_packets = 0, fin_packets = 0;
  Decision decision = Decision::kFinal;
};

class SessionSink {
 public:
  virtual ~SessionSink() = default;
  virtual void on_session(const SessionEvent& session) = 0;
};

}  // namespace synwatch::session
