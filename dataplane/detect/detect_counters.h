// Detection counters: the shards' list (per shard, summed when read) and the engine's.
#pragma once

#include "dataplane/wire/counter_list.h"

namespace synwatch::detect {

#define SYNWATCH_DETECT_COUNTERS(X)                                                              \
  X(detect_sessions, kEvent, "decided sessions the detectors saw")                               \
  X(detect_late_sessions, kEvent,                                                                \
    "sessions decided for an interval already handed over; counted in the open one instead")     \
  X(detect_keys_evicted, kEvent,                                                                 \
    "detector table entries replaced at their bound (keys_per_interval) by a heavier key")      \
  X(detect_keys_refused, kDrop,                                                                  \
    "detector table updates lost: the table was nearly full and the key new (pre-filter)")       \
  X(detect_contacts_forgotten, kEvent,                                                           \
    "first contacts forgotten at the bound (contacts): a repeat counts as a first contact again") \
  X(detect_partials_delayed, kEvent,                                                             \
    "intervals merged into the next one because the control side had not taken the last")       \
  X(detect_sessions_dropped, kDrop,                                                              \
    "sessions the detectors never saw: every partial was still with the control side")

SYNWATCH_DEFINE_COUNTERS(DetectCounter, SYNWATCH_DETECT_COUNTERS)
using DetectCounters = wire::CounterArray<DetectCounter, kDetectCounterCount>;

// The control side's: one engine, one writer.
#define SYNWATCH_ENGINE_COUNTERS(X)                                                             \
  X(detect_intervals, kEvent, "intervals the detectors evaluated")                              \
  X(detect_intervals_skipped, kEvent,                                                           \
    "empty intervals of a gap in flow time crossed in one step: every window had emptied")      \
  X(alerts_sent, kEvent, "alert lines written: open, update and resolved")                      \
  X(alerts_opened, kEvent, "alerts opened")                                                     \
  X(alerts_suppressed, kEvent, "alert conditions the allowlist covered")                        \
  X(alerts_untracked, kDrop, "alert conditions not raised: tracked_keys alerts already open")   \
  X(detect_tracked_keys_evicted, kEvent,                                                        \
    "detector state given up at tracked_keys for a heavier key")

SYNWATCH_DEFINE_COUNTERS(EngineCounter, SYNWATCH_ENGINE_COUNTERS)
using EngineCounters = wire::CounterArray<EngineCounter, kEngineCounterCount>;

}  // namespace synwatch::detect
