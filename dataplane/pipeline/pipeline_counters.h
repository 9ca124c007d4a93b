// What the hand-off between workers counts, per worker.
#pragma once

#include "dataplane/wire/counter_list.h"

namespace synwatch::pipeline {

#define SYNWATCH_PIPELINE_COUNTERS(X)                                                           \
  X(records_handed_off, kEvent, "records sent to the worker that owns their host pair")         \
  X(handoff_ring_full, kDrop, "hand-off ring to another worker full: record dropped")            \
  X(session_ring_full, kDrop, "output ring full: decided session dropped before writing")

SYNWATCH_DEFINE_COUNTERS(PipelineCounter, SYNWATCH_PIPELINE_COUNTERS)
using PipelineCounters = wire::CounterArray<PipelineCounter, kPipelineCounterCount>;

}  // namespace synwatch::pipeline
