// What the session layer counts, per shard, summed when read.
#pragma once

#include "dataplane/wire/counter_list.h"

namespace synwatch::session {

#define SYNWATCH_SESSION_COUNTERS(X)                                                            \
  X(not_tcp, kEvent, "record is not TCP: sessions are built from TCP records only")             \
  X(sessions_created, kEvent, "new session entry")                                             \
  X(decided_final, kEvent, "session decided as soon as its outcome was certain (REJ, SF, RSTO, RSTR)") \
  X(decided_answer_window, kEvent, "attempt decided after the answer window passed without a reply") \
  X(decided_idle, kEvent, "session decided after the idle timeout passed without records")     \
  X(decided_lifetime, kEvent, "session decided at its maximum lifetime; later records start anew") \
  X(decided_flush, kEvent, "session decided at the end of input or shutdown")                  \
  X(evicted_undecided, kDrop, "table full: an undecided session was decided early to make room") \
  X(evicted_decided, kEvent, "table full: an already decided session's entry was recycled")    \
  X(late_records, kEvent, "record of a session already decided: absorbed, not emitted again")  \
  X(port_reuse, kEvent, "new connection on the 5-tuple of a decided session")                  \
  X(duplicate_direction, kEvent, "second exporter reported a direction already reported: flags merged, counts not added") \
  X(exporter_ids_full, kEvent, "more exporters than the shard tells apart: recorded as unknown")

SYNWATCH_DEFINE_COUNTERS(SessionCounter, SYNWATCH_SESSION_COUNTERS)
using SessionCounters = wire::CounterArray<SessionCounter, kSessionCounterCount>;

}  // namespace synwatch::session
