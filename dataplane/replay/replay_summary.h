// The human summary synwatch-replay prints on standard error at the end of a run.
#pragma once

#include <cstdio>

#include "dataplane/replay/replay.h"

namespace synwatch::replay {

void print_summary(std::FILE* out, const Replay& replay);

}  // namespace synwatch::replay
