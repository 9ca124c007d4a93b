// SessionTable: one shard's TCP sessions. Single writer, fixed capacity, never grows.
//
// Each record joins the session of its 5-tuple (both directions, split records, several
// exporters); each session is decided once: as soon as its outcome is certain, or when
// a deadline passes in flow time; or at capacity, when the oldest is decided early.
//
// Time is the export watermark (the newest export time seen in the input, the same for
// every shard), so decisions depend only on the input, not on replay speed or sharding.
// A session is held until `export_grace_s` of export time after its last record, so the
// other direction's records, exported a little later, still join it.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "dataplane/decode/flow_record.h"
#include "dataplane/session/session_config.h"
#include "dataplane/session/session_counters.h"
#include "dataplane/session/session_event.h"
#include "dataplane/session/session_key.h"
#include "dataplane/table/bounded_map.h"
#include "dataplane/table/hash_index.h"
#include "dataplane/table/huge_page_allocator.h"
#include "dataplane/table/timer_wheel.h"

namespace synwatch::session {

using wire::IpAddress;

// One entry: 96 bytes; with its index slots and wheel links 122 bytes per session.
struct Session {
  std::array<uint8_t, 16> addr[2];  // side 0 is the lower (address, port)
  uint16_t port[2];
  uint8_t proto;
  uint8_t bits;  // Session::kV4 ...
  uint8_t flags[2];
  uint32_t packets[2];
  uint64_t bytes[2];
  int64_t start_ms;
  uint32_t duration_ms;
  uint32_t arrival_s;  // watermark second of its last record
  uint32_t sampling;
  uint16_t exporter[2];  // first exporter that reported each side
  // Sampled packets with those flags (saturating at kMaxFlagCount: one 5-tuple seen in
  // more samples than that is past telling apart anyway), the best-ranked signature
  // label among its records (LabelRegistry; 0: none), and the strongest interface role
  // (decode::InterfaceRole) its records gave each side, packed into one word.
  uint64_t syn : 12, synack : 12, rst : 12, fin : 12, label : 12, role0 : 2, role1 : 2;
  static constexpr uint64_t kMaxFlagCount = (1u << 12) - 1;

  static constexpr uint8_t kV4 = 1, kSampled = 2, kEmitted = 4, kSeen0 = 8, kSeen1 = 16;
};
static_assert(sizeof(Session) == 96, "DESIGN.md section 8: at most 128 bytes per session");

class SessionTable {
 public:
  SessionTable(const SessionConfig& config, const PerspectiveMap& perspective, SessionSink& sink);

  // The address plan from now on (a configuration applied at runtime): sessions decided
  // after this call take their perspective from `perspective` and their direction from
  // `services`. Both must outlive their use; the caller swaps at a burst boundary.
  void use_address_plan(const PerspectiveMap& perspective, const std::vector<Service>& services) {
    perspective_ = &perspective;
    services_ = &services;
  }

  // Decides what the watermark has passed, then joins `r` (TCP only).
  void apply(const decode::FlowRecord& r, int64_t watermark_ms);
  // The same for a burst of records, each with the watermark it was decoded under: their
  // index slots and entries are fetched into cache together before any is applied (the
  // worker loop's way).
  void apply_batch(const decode::FlowRecord* records, const int64_t* watermarks_ms, size_t n);
  // Decides every session whose deadline the watermark has passed.
  void advance(int64_t watermark_ms);
  // Decides every remaining session (end of input, shutdown).
  void flush();

  uint32_t size() const { return capacity_ - static_cast<uint32_t>(free_.size()); }
  uint32_t capacity() const { return capacity_; }
  // The newest watermark applied (milliseconds of export time).
  int64_t watermark() const { return watermark_ms_; }
  const SessionCounters& counters() const { return counters_; }
  static constexpr size_t kBytesPerSession = sizeof(Session) + 16 /* index */ + 10 /* wheel */;

 private:
  void evict_one();
  void apply_keyed(const decode::FlowRecord& r, const SessionKey& key, uint64_t hash,
                   uint16_t exporter);
  void merge(Session& s, const decode::FlowRecord& r, int side, uint16_t exporter);
  uint32_t due_of(const Session& s) const;
  void on_due(uint32_t id);
  // decided_ms < 0: now, the watermark.
  void emit(Session& s, Decision decision, int64_t decided_ms = -1);
  int client_of(const Session& s, const SideView (&views)[2]) const;
  void release(uint32_t id);
  uint64_t hash_of(const Session& s) const;
  uint16_t exporter_id(const IpAddress& a);

  const SessionConfig& config_;
  const PerspectiveMap* perspective_;
  const std::vector<Service>* services_;
  SessionSink& sink_;
  uint32_t capacity_;
  table::HugeVector<Session> sessions_;
  std::vector<uint32_t> free_;
  table::HashIndex index_;
  table::TimerWheel wheel_;
  struct IpHash {
    uint64_t operator()(const IpAddress& a) const { return a.hash(); }
  };
  table::BoundedMap<IpAddress, uint16_t, IpHash> exporter_ids_;
  std::vector<IpAddress> exporter_addresses_;
  IpAddress last_exporter_;
  uint16_t last_exporter_id_ = 0xffff;
  SessionCounters counters_;
  int64_t watermark_ms_ = 0;
};

}  // namespace synwatch::session
