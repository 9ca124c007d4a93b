// ShardDetector: one session shard's side of detection. It sits behind the shard's
// session table, turns each decided session into additions to the partial of its
// interval (by decided_ms), and hands a partial over once the table's watermark has
// passed the interval's end: no later session of that shard can fall into it.
//
// Memory is fixed at construction: a few partials circulate between the shard and the
// control side; the first-contact memory is a fixed cache that forgets its least recently seen.
//
// Every session lands at random places in tables far larger than the caches, so sessions
// wait in a small batch while their cache lines are fetched: the first-contact bucket and
// the tables' index slots when a session arrives, the tables' entries once the slots are
// in, the additions last. The batch is worked off in arrival order, whole, before every
// watermark and at the end, so what the partials hold is exactly what it was without it.
#pragma once

#include <cstdint>
#include <array>
#include <memory>
#include <vector>

#include "dataplane/detect/contact_memory.h"
#include "dataplane/detect/detect_config.h"
#include "dataplane/detect/detect_counters.h"
#include "dataplane/detect/interval_partial.h"
#include "dataplane/detect/partial_keys.h"
#include "dataplane/session/session_event.h"

namespace synwatch::detect {

// Where finished partials go (the control side, directly or over a ring), and where
// they come back from once merged.
class PartialChannel {
 public:
  virtual ~PartialChannel() = default;
  // Takes `partial` (done with interval `partial->interval`, or an empty one saying the
  // shard has passed `through_interval`). False when the channel is full: the shard
  // keeps it and tries again.
  virtual bool publish(uint32_t shard, IntervalPartial* partial, int64_t through_interval) = 0;
  // A partial the control side has finished with, or nullptr.
  virtual IntervalPartial* reclaim(uint32_t shard) = 0;
  // True when a shard with no free partial should wait for one to come back rather than
  // drop sessions (capture input, where nothing may depend on thread timing).
  virtual bool waits_for_partials() const { return false; }
};

class ShardDetector : public session::SessionSink {
 public:
  // `config` is this shard's share (DetectConfig::share); `next` receives every session.
  ShardDetector(uint32_t shard, const DetectConfig& config, PartialChannel& channel,
                session::SessionSink* next = nullptr, uint32_t partials = 4);

  void on_session(const session::SessionEvent& e) override;
  // The table's watermark: intervals that ended at or before it are handed over.
  void on_watermark(int64_t watermark_ms) override;
  // End of input: the open interval is handed over too.
  void finish();

  const DetectCounters& counters() const { return counters_; }

 private:
  struct Pending {
    session::SessionEvent event;
    SessionFacts facts;
    uint64_t contact = 0;  // hash of the contact the session may make; 0: makes none
  };
  static constexpr uint32_t kBatch = 32;

  void drain();
  void add(const Pending& p, bool first_contact);
  bool first_contact(const Pending& p);
  void hand_over(int64_t through_interval);
  IntervalPartial* take_free();

  uint32_t shard_;
  const DetectConfig& config_;
  PartialChannel& channel_;
  session::SessionSink* next_;
  int64_t interval_ms_;
  std::vector<std::unique_ptr<IntervalPartial>> owned_;
  std::vector<IntervalPartial*> free_;
  IntervalPartial* open_ = nullptr;
  int64_t handed_through_ = -1;  // every interval up to this one is handed over
  ContactMemory contacted_;  // (client, server, port) contacts seen
  std::array<Pending, kBatch> pending_;
  uint32_t pending_count_ = 0;
  DetectCounters counters_;
};

}  // namespace synwatch::detect
