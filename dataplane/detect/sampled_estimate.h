// Distinct counts behind sampled flows (sFlow, sampled NetFlow): a scan seen through 1:N
// packet sampling shows only some of its probes.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace synwatch::detect {

// The chance that a probe of `packets` packets leaves at least one in a 1:`rate` sample.
inline double probe_seen_probability(uint32_t rate, int packets = 2) {
  return rate <= 1 ? 1.0 : 1 - std::pow(1 - 1.0 / rate, packets);
}

// How many distinct values (ports) lie behind `seen` of them observed in `sessions`
// sampled sessions, each session observed with probability q. A moment estimator: if
// every value had m sessions, E[seen] = D (1 - e^-x) and E[sessions] = D x with x = m q,
// so sessions / seen = x / (1 - e^-x) fixes x (at least q: a value has a session at
// least) and D = seen / (1 - e^-x). One session per value (a scan) gives about seen / q;
// values tried again and again (a client retrying a closed port) give about seen.
inline double estimate_sampled_distinct(uint32_t seen, uint32_t sessions, double q) {
  if (seen == 0) return 0;
  const double ratio = std::max(1.0, double(sessions) / seen);
  double lo = q, hi = 64;  // x / (1 - e^-x) rises from 1 (x -> 0) to about x
  if (lo / (1 - std::exp(-lo)) < ratio) {
    for (int i = 0; i < 60; ++i) {
      const double mid = 0.5 * (lo + hi);
      (mid / (1 - std::exp(-mid)) < ratio ? lo : hi) = mid;
    }
  }
  return seen / (1 - std::exp(-lo));
}

}  // namespace synwatch::detect
