// The wall clock in epoch milliseconds, from the coarse clock (a few ns through the
// vDSO, millisecond resolution): live arrival times and the idle session clock.
#pragma once

#include <time.h>

#include <cstdint>

namespace synwatch {

inline int64_t wall_clock_ms() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME_COARSE, &ts);
  return int64_t{ts.tv_sec} * 1000 + ts.tv_nsec / 1000000;
}

}  // namespace synwatch
