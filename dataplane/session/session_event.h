// SessionEvent: one decided TCP session (DESIGN.md section 5, 'session').
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

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
  // The best-ranked signature label among the session's records (the one its rule set
  // lists first: signature/label_registry.h); 0: none.
  uint16_t label = 0;
  Decision decision = Decision::kFinal;
  // Flow time of the decision, from the input alone: the deadline that passed, or the
  // watermark at which the outcome became certain (or the table flushed or evicted it).
  // Events of one table come out in non-decreasing decided_ms, and once its watermark is
  // W no later event has decided_ms below W: the detectors' interval clock.
  int64_t decided_ms = 0;
};

class SessionSink {
 public:
  virtual ~SessionSink() = default;
  virtual void on_session(const SessionEvent& session) = 0;
  // A batch of sessions in order: a sink that takes a lock or flushes a buffer for each
  // session can do so once a batch instead.
  virtual void on_sessions(std::span<const SessionEvent> sessions) {
    for (const SessionEvent& s : sessions) on_session(s);
  }
  // The table's watermark moved to `watermark_ms`: no later session will be decided
  // before it (the detectors close their intervals on it).
  virtual void on_watermark(int64_t watermark_ms) { (void)watermark_ms; }
};

// Hands each session to several sinks in turn (the session log, the API's watch); null
// sinks are left out.
class SessionFanout : public SessionSink {
 public:
  explicit SessionFanout(std::initializer_list<SessionSink*> sinks) {
    for (SessionSink* s : sinks)
      if (s != nullptr) sinks_.push_back(s);
  }
  void on_session(const SessionEvent& session) override {
    for (SessionSink* s : sinks_) s->on_session(session);
  }
  void on_sessions(std::span<const SessionEvent> sessions) override {
    for (SessionSink* s : sinks_) s->on_sessions(sessions);
  }
  void on_watermark(int64_t watermark_ms) override {
    for (SessionSink* s : sinks_) s->on_watermark(watermark_ms);
  }

 private:
  std::vector<SessionSink*> sinks_;
};

}  // namespace synwatch::session
