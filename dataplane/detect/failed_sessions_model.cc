#include "dataplane/detect/failed_sessions_model.h"

#include <algorithm>
#include <cmath>

#include "dataplane/detect/negative_binomial.h"
#include "dataplane/detect/scoring.h"

namespace synwatch::detect {

namespace {

// The CUSUM stops here (p = 2e-22): enough for any score, and it comes down in time.
constexpr double kMaxCusum = 50;

// The least an active client is expected to fail in a bucket: it failed at least once.
constexpr double kMinActiveMean = 1.05;

// P(X >= 1) under NB(mu, phi).
double active_probability(double mu, double phi) { return 1 - std::pow(1 + phi * mu, -1 / phi); }

// The NB mean mu whose zero-truncated mean, mu / P(X >= 1), is `active_mean` (> 1), by
// Newton's method: g(mu) = mu - active_mean P(X >= 1) is convex, so from mu =
// active_mean it falls monotonically onto the root in a few steps.
double underlying_mean(double active_mean, double phi) {
  double mu = active_mean;
  for (int i = 0; i < 50; ++i) {
    const double zero = std::pow(1 + phi * mu, -1 / phi);
    const double g = mu - active_mean * (1 - zero);
    const double slope = 1 - active_mean * zero / (1 + phi * mu);
    if (slope <= 0) break;
    const double next = std::max(mu - g / slope, 1e-6);
    if (std::fabs(next - mu) < 1e-9 * mu) return next;
    mu = next;
  }
  return mu;
}

// P(X >= x | X >= 1) under NB(mu, phi), or 1 where it is certainly above
// exp(log_floor): x at or below the active mean, or P(X = x | X >= 1) alone above it.
double active_tail_below(double x, const Baseline& b, double log_floor) {
  if (x <= b.judged_mean ||
      negative_binomial_log_pmf(x, b.judged_mu, b.dispersion) - std::log(b.judged_active) > log_floor)
    return 1;
  return std::min(1.0, negative_binomial_upper_tail(x, b.judged_mu, b.dispersion) / b.judged_active);
}

// P(X >= x) under NB(mu, phi), or 1 where it is certainly above exp(log_floor).
double upper_tail_below(double x, double mu, double phi, double log_floor) {
  if (x <= mu || negative_binomial_log_pmf(x, mu, phi) > log_floor) return 1;
  return negative_binomial_upper_tail(x, mu, phi);
}

// The EWMA weight of one bucket, for a half-life in buckets.
double ewma_weight(double halflife) { return 1 - std::pow(0.5, 1 / halflife); }

// Hours since Monday 00:00 UTC (1970-01-01 was a Thursday).
int hour_of_week(int64_t ms) { return static_cast<int>((ms / 3600000 + 72) % 168); }

}  // namespace

double median_of(const std::vector<uint32_t>& sorted) {
  if (sorted.empty()) return 0;
  const size_t n = sorted.size();
  return n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

void Baseline::set_peers(double median) {
  judged_mean = std::max(mean, median);
  judged_mu = judged_mean == mean ? mu : underlying_mean(judged_mean, dispersion);
  judged_active = judged_mean == mean ? active : active_probability(judged_mu, dispersion);
}

double Judgement::p() const { return std::min(1.0, 3 * std::min({p_bucket, p_rollup, p_cusum})); }

Baseline PartitionModel::open_bucket(int64_t bucket_end_ms, const FailedSessionsParams& p) const {
  Baseline b;
  b.hour_of_week = hour_of_week(bucket_end_ms - 1);
  b.warm = buckets >= p.warmup_buckets;
  b.mean = std::max(level * season[static_cast<size_t>(b.hour_of_week)], kMinActiveMean);
  b.dispersion = std::max(dispersion, p.min_dispersion);
  b.mu = underlying_mean(b.mean, b.dispersion);
  b.active = active_probability(b.mu, b.dispersion);
  b.set_peers(0);
  b.log_floor = std::log(probability_of_score(p.min_score) / 3);  // Judgement::p() multiplies by 3
  b.level_weight = ewma_weight(p.level_halflife_buckets);
  return b;
}

Judgement PartitionModel::judge(ClientTally& c, int64_t bucket, const Baseline& b, const FailedSessionsParams& p) {
  Judgement j;
  if (!b.warm) {  // nothing is judged, or summed, before the partition's warm-up ends
    c.cusum = 0;
    return j;
  }
  const int64_t r = bucket / p.rollup_buckets;
  if (c.rollup != r) {
    c.rollup = r;
    c.rollup_count = 0;
    c.rollup_expected = 0;
  }
  c.rollup_count += c.count;
  c.rollup_expected += b.judged_mean;
  if (c.seen < p.warmup_buckets)  // no CUSUM before the client's usual is known
    c.cusum = 0;
  else
    update_cusum(c, b, p);
  j.p_cusum = std::exp(-c.cusum);
  j.p_bucket = active_tail_below(c.count, b, b.log_floor);
  j.p_rollup = upper_tail_below(double(c.rollup_count), c.rollup_expected, b.dispersion, b.log_floor);
  return j;
}

void PartitionModel::update_cusum(ClientTally& c, const Baseline& b, const FailedSessionsParams& p) {
  // The log-likelihood ratio of the count, given that the client failed at all:
  //   log NB(x; mu1) / NB(x; mu0) - log P1(X >= 1) / P0(X >= 1)
  //   = x log(q1 / q0) + r log((1 - q1) / (1 - q0)) - log(P1 / P0),  q = mu / (r + mu).
  // How often a client is active says more about the client than about an anomaly
  // (clients differ), so buckets without failures leave the CUSUM as it is.
  const double size = 1 / b.dispersion, mu0 = b.judged_mu * c.usual;
  const double mu1 = p.cusum_ratio * mu0;
  const double per_failure = std::log(mu1 * (size + mu0) / (mu0 * (size + mu1)));
  const double per_bucket = size * std::log((size + mu0) / (size + mu1)) -
                            std::log(active_probability(mu1, b.dispersion) / active_probability(mu0, b.dispersion));
  c.cusum = std::clamp(c.cusum + per_failure * c.count + per_bucket, 0.0, kMaxCusum);
}

void PartitionModel::learn(const std::vector<uint32_t>& counts, const Baseline& b, const FailedSessionsParams& p) {
  if (counts.empty()) return;
  // The mean client, each count clipped so that one bucket moves the model by at most
  // update_clip x its baseline.
  const double clip = buckets > 0 ? p.update_clip * b.mean : 1e18;
  double sum = 0;
  for (uint32_t x : counts) sum += std::min<double>(x, clip);
  const double y = sum / double(counts.size());
  const double a = b.level_weight;
  const double w = ewma_weight(p.season_halflife_weeks * 3600.0 / p.bucket_s);  // buckets per week slot
  float& s = season[static_cast<size_t>(b.hour_of_week)];
  if (buckets == 0) {
    level = y / s;
  } else {
    level += a * (y / s - level);
    if (level > 0) s = static_cast<float>(std::clamp(s + w * (y / level - s), 0.05, 20.0));
  }
  learn_dispersion(counts, b, p);
  ++buckets;
}

void PartitionModel::learn_dispersion(const std::vector<uint32_t>& counts, const Baseline& b,
                                      const FailedSessionsParams& p) {
  // Method of moments on the bucket's own clients, so that a level still catching up
  // does not pass for dispersion: mu from their mean, phi from their second moment,
  // E[X^2] = mu + (1 + phi) mu^2, which the active clients carry whole
  // (E[X^2 | X >= 1] P(X >= 1) = E[X^2]). The excess mu^2 phi and the scale mu^2 are
  // averaged apart and divided after, as single buckets are too noisy to clamp.
  double sum = 0, squares = 0;
  for (uint32_t x : counts) {
    sum += x;
    squares += double(x) * x;
  }
  const double n = double(counts.size()), mean = sum / n;
  if (!b.warm || n < 2 || mean <= 1) return;  // one client, or all ones: no spread to measure
  const double mu = underlying_mean(mean, b.dispersion);
  // The second moment about the mean the sample itself gives is short by (n - 1) / n.
  const double second = (squares / n - mean * mean) * n / (n - 1) + mean * mean;
  const double excess = second * active_probability(mu, b.dispersion) - mu - mu * mu;
  dispersion_excess += b.level_weight * (excess - dispersion_excess);
  dispersion_scale += b.level_weight * (mu * mu - dispersion_scale);
  if (dispersion_scale > 0) dispersion = std::clamp(dispersion_excess / dispersion_scale, p.min_dispersion, 10.0);
}

void PartitionModel::learn_usual(ClientTally& c, const Baseline& b, const FailedSessionsParams& p) {
  if (!b.warm) return;
  const double ratio = std::min(double(c.count) / b.judged_mean, p.update_clip);
  ++c.seen;
  // The mean of the first buckets, then an EWMA.
  const double weight = c.seen <= p.warmup_buckets ? 1.0 / c.seen : b.level_weight;
  c.usual = c.seen == 1 ? ratio : c.usual + weight * (ratio - c.usual);
  c.usual = std::max(1.0, c.usual);
}

}  // namespace synwatch::detect
