// ShardDetector: one session shard's side of detection. It sits behind the shard's
// session table, turns each decided session into additions to the partial of its
// interval (by decided_ms), and hands a partial over once the table's watermark has
// passed the interval's end: no later session of that shard can fall into it.
//
// Memory is fixed at construction: a few partials circulate between the shard and the
// control side; the first-contact memory is a bounded map that forgets its oldest.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "dataplane/detect/detect_config.h"
#include "dataplane/detect/detect_counters.h"
#include "dataplane/detect/interval_partial.h"
#include "dataplane/detect/partial_keys.h"
#include "dataplane/session/session_event.h"
#include "dataplane/table/bounded_map.h"

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
  bool first_contact(const session::SessionEvent& e, const SessionFacts& f);
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
  // (client, server, port) -> last contact ms. Keyed by the 64-bit hash of the contact,
  // not the contact: a quarter of the memory for the table every session touches at
  // random, at the price of mistaking two of a million contacts for one about once in
  // 10^7 tables.
  struct Fingerprint {
    uint64_t operator()(uint64_t h) const { return h; }  // already mixed
  };
  table::BoundedMap<uint64_t, int64_t, Fingerprint> contacted_;
  DetectCounters counters_;
};

}  // namespace synwatch::detect
