// Generated traffic for failed_sessions: one partition (198.51.100.10:443, inbound)
// whose ten clients (203.0.113.1-10) each establish one session a minute and fail a
// Poisson number of times with a day/night cycle (3 x (1 + 0.7 sin), busy afternoons),
// with surges from 203.0.113.99 on top. Each minute draws from its own seed, so a run
// cut in two parts feeds exactly what one run does.
#pragma once

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "tests/support/detect_harness.h"

namespace synwatch::testing {

inline constexpr int64_t kSeasonT0 = 1795219200000;  // a Monday, 00:00 UTC
inline constexpr int64_t kMinuteMs = 60000;
inline constexpr int64_t kMinutesPerDay = 1440;

struct Surge {
  int64_t minute;
  double factor;  // times the mean client that minute
};

inline session::SessionEvent seasonal_attempt(uint32_t from, int64_t at_ms, uint16_t client_port, bool refused) {
  session::SessionEvent e;
  e.client = wire::IpAddress::v4(0xcb007100u + from);
  e.server = wire::IpAddress::v4(0xc633640au);
  e.client_port = client_port;
  e.server_port = 443;
  e.perspective = session::Perspective::kInbound;
  e.c2s_packets = 1;
  e.start_ms = e.end_ms = e.decided_ms = at_ms;
  if (refused) {
    e.state = session::ConnState::REJ;
    e.failed = true;
    e.client_flags = 0x02;
    e.server_flags = 0x14;
    e.s2c_packets = 1;
  } else {
    e.state = session::ConnState::SF;
    e.established = true;
    e.client_flags = e.server_flags = 0x1b;
    e.c2s_packets = e.s2c_packets = 8;
  }
  return e;
}

// A client's mean failures in minute `minute` (since kSeasonT0).
inline double seasonal_mean(int64_t minute) {
  const double hour = double(minute % kMinutesPerDay) / 60;
  return 3 * (1 + 0.7 * std::sin(2 * M_PI * (hour - 8) / 24));
}

// Feeds minutes [from, to) to `h`.
inline void feed_seasonal_minutes(DetectHarness& h, int64_t from, int64_t to, uint32_t seed,
                                  const std::vector<Surge>& surges = {}) {
  std::vector<session::SessionEvent> bucket;
  for (int64_t minute = from; minute < to; ++minute) {
    std::mt19937 rng(static_cast<uint32_t>(seed * 1000003u + static_cast<uint32_t>(minute)));
    uint16_t port = 1024;
    const double mean = seasonal_mean(minute);
    std::poisson_distribution<int> failures(mean);
    const int64_t t = kSeasonT0 + minute * kMinuteMs;
    bucket.clear();
    for (uint32_t c = 1; c <= 10; ++c) {
      bucket.push_back(seasonal_attempt(c, t + (rng() % 59000), ++port, false));
      for (int k = failures(rng); k > 0; --k) bucket.push_back(seasonal_attempt(c, t + (rng() % 59000), ++port, true));
    }
    for (const Surge& s : surges) {
      if (s.minute != minute) continue;
      for (long k = std::lround(s.factor * mean); k > 0; --k)
        bucket.push_back(seasonal_attempt(99, t + (rng() % 59000), ++port, true));
    }
    std::stable_sort(bucket.begin(), bucket.end(),
                     [](const auto& a, const auto& b) { return a.decided_ms < b.decided_ms; });
    for (const auto& e : bucket) h.add(e);
  }
}

}  // namespace synwatch::testing
