// Scores 0-100 (DESIGN.md section 4).
//
// From a tail probability, the way Elastic ML does: p >= 0.05 scores 0; the raw score
// grows with -log p and reaches 100 at p = 1e-4; it is then normalised with a soft cap,
// so that merely unlikely events (p around 1e-4, which a large network sees every hour)
// stay minor and only the extreme reach critical: 50 at p ~ 7e-6, 75 at p ~ 1e-9.
//
// Threshold detectors (scans, sweeps) have no probability: their score is 50 at the
// threshold and grows with the log of count / threshold, 100 at ten times it.
#pragma once

#include <algorithm>
#include <cmath>

namespace synwatch::detect {

inline double raw_score(double p) {
  if (!(p < 0.05)) return 0;
  p = std::max(p, 1e-300);
  return 100 * std::log(0.05 / p) / std::log(0.05 / 1e-4);
}

inline constexpr double kScoreScale = 205.6;  // raw 285 (p = 1e-9) -> 75

inline double score_of_probability(double p) {
  constexpr double kScale = kScoreScale;
  return std::round(1000 * (1 - std::exp(-raw_score(p) / kScale))) / 10;
}

// The largest p-value that scores at least `score` (the inverse of the above).
inline double probability_of_score(double score) {
  constexpr double kScale = kScoreScale;
  if (score <= 0) return 1;
  if (score >= 100) return 0;
  const double raw = -kScale * std::log(1 - score / 100);
  return 0.05 * std::pow(1e-4 / 0.05, raw / 100);
}

inline double score_of_ratio(double count, double threshold) {
  if (threshold <= 0 || count < threshold) return 0;
  return std::round(10 * std::min(100.0, 50 + 50 * std::log10(count / threshold))) / 10;
}

}  // namespace synwatch::detect
