// The human summary synwatch-replay prints on standard error at the end of a run.
#pragma once

#include <cstdio>

#include "dataplane/replay/replay.h"
#include "dataplane/session/session_counters.h"

namespace synwatch::replay {

void print_summary(std::FILE* out, const Replay& replay);

// The session layer's counters that moved, with their meaning.
void print_session_counters(std::FILE* out, const session::SessionCounters& counters);

// Every counter synwatch keeps: layer, name, kind (drop, loss, event) and meaning,
// tab-separated, one per line.
void print_counter_list(std::FILE* out);

}  // namespace synwatch::replay
