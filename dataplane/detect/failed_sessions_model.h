// The statistics of failed_sessions, apart from its tables and alerts: what an active
// client of a partition (server, port, perspective) is expected to fail in a bucket, and
// how improbable a client's count is under that expectation.
//
// The model (one per partition) is an EWMA level times an hour-of-week seasonal factor,
// fed with the mean failures of the bucket's clients that did not alert. Only clients
// with at least one failure are seen, so the level is the mean of a zero-truncated
// negative binomial: a client's failures X ~ NB(mu, phi) (variance mu + phi mu^2), seen
// when X >= 1. mu follows from the level and phi; phi comes from the active clients'
// second moment. Ignoring the truncation would overstate what a client fails where most
// fail once, and hide a client that fails ten times.
//
// A client's count is judged three ways, and the smallest p-value counts, times three
// (Bonferroni):
//  - the bucket: P(X >= count | X >= 1), with mu raised to the bucket's median client
//    when the whole partition runs above the baseline (a burst, or the morning rise
//    the level is still catching up with): the anomaly is a client far above its peers;
//  - the roll-up: P(Y >= rollup_count), Y ~ NB(M, phi), M the sum of what its active
//    buckets of the roll-up were expected to hold. phi is not divided by the roll-up
//    length: a client that is always busier than its peers stays busier, so its excess
//    must not add up to significance;
//  - the CUSUM (Page 1954) of the log-likelihood ratio of NB(cusum_ratio x mu) against
//    NB(mu), both given X >= 1, per client: a sustained moderate excess. Its value S
//    bounds the p-value by exp(-S) (Ville's inequality on the likelihood ratio), at
//    every mu, so no calibration is needed. It restarts when the client's alert ends.
//    It adds up small excesses, so the same raised mu matters even more, times the
//    client's own usual
//    ratio to its peers (a client that always fails twice as often as the others is not
//    a sustained anomaly; one that starts to is). The ratio is learnt over the client's
//    first warmup_buckets buckets, before its CUSUM starts, and then as the model is:
//    not while the client alerts, for at most one roll-up. The CUSUM is a change
//    against the client's own past; the bucket and roll-up tests compare it with its
//    peers.
// All three judge what a client fails in the buckets where it fails at all. How often
// a client fails at all varies too much between clients (a client that retries every
// minute, one that tries once an hour) to be judged by its peers.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "dataplane/detect/detect_config.h"
#include "dataplane/detect/scoring.h"

namespace synwatch::detect {

// The median of sorted counts.
double median_of(const std::vector<uint32_t>& sorted_counts);

// One client's failures towards one partition.
struct ClientTally {
  int64_t bucket = -1;
  uint32_t count = 0;          // failures in that bucket
  int64_t rollup = -1;
  uint64_t rollup_count = 0;   // failures in that roll-up
  double rollup_expected = 0;  // what its active buckets were expected to hold
  double cusum = 0;
  double usual = 1;            // the client's usual count / its peers' (at least 1)
  uint32_t seen = 0;           // buckets judged (the client's own warm-up)
  uint32_t alerting = 0;       // buckets in a row it alerted in
};

// What an active client is expected to fail in the bucket being closed.
struct Baseline {
  double mean = 0;         // failures of an active client (one that failed at all)
  double dispersion = 0;   // phi
  double mu = 0;           // the NB mean behind `mean`: a client's failures, zeros included
  double active = 1;       // P(a client fails at all), so mean = mu / active
  // What a client is judged by in this bucket: the baseline, or the median client when
  // the whole partition runs above it (a burst, the morning rise the level is still
  // catching up with): an anomaly is a client far above its peers, now.
  double judged_mean = 0, judged_mu = 0, judged_active = 1;
  void set_peers(double median);
  int hour_of_week = 0;
  bool warm = false;       // enough buckets seen to judge
  double log_floor = 0;    // log of the largest p-value that reaches min_score, over 3
  double level_weight = 0; // the EWMA weight of one bucket in the level and usual ratios
};

struct Judgement {
  double p_bucket = 1, p_rollup = 1, p_cusum = 1;
  double p() const;              // the smallest, times three
  bool by_rollup() const { return p_rollup < p_bucket && p_rollup <= p_cusum; }
};

class PartitionModel {
 public:
  PartitionModel() { season.fill(1.0f); }

  // Starts closing the bucket that ends at `bucket_end_ms`: the baseline to judge its
  // clients by.
  Baseline open_bucket(int64_t bucket_end_ms, const FailedSessionsParams& p) const;
  // Takes the client's count for the bucket into its roll-up and CUSUM and judges it.
  // Counts whose tail is certainly above what can reach min_score get p = 1 without
  // the exact tail (the cost of a quiet client is a few log-gamma calls).
  static Judgement judge(ClientTally& c, int64_t bucket, const Baseline& b, const FailedSessionsParams& p);
  // Learns from the bucket's counts of the clients that did not alert.
  void learn(const std::vector<uint32_t>& counts, const Baseline& b, const FailedSessionsParams& p);
  void learn_dispersion(const std::vector<uint32_t>& counts, const Baseline& b, const FailedSessionsParams& p);
  // Adds the bucket to the client's CUSUM.
  static void update_cusum(ClientTally& c, const Baseline& b, const FailedSessionsParams& p);
  // Learns a client's usual ratio to its peers, from a bucket in which it did not alert.
  static void learn_usual(ClientTally& c, const Baseline& b, const FailedSessionsParams& p);

  // Closes `bucket` (ending at `end_ms`) for its active clients, whose tallies hold the
  // bucket's counts: judges each and calls alert(i, judgement, baseline, score) for
  // those that score min_score or more with at least min_failed failures. The model
  // learns from the bucket unless a client alerted: frozen, for at most one roll-up;
  // after that a lasting change is learnt, clipped, as the new normal. (Learning from
  // the quiet clients only would bias it low where most fail once.) `counts` is
  // scratch space; it ends up holding the bucket's counts, sorted.
  template <typename OnAlert>
  Baseline close_bucket(const std::vector<ClientTally*>& clients, int64_t bucket, int64_t end_ms,
                        const FailedSessionsParams& p, std::vector<uint32_t>& counts, OnAlert&& alert) {
    Baseline b = open_bucket(end_ms, p);
    counts.clear();
    for (const ClientTally* c : clients) counts.push_back(c->count);
    std::sort(counts.begin(), counts.end());
    // Peers need a few clients; the lower median, so one client cannot be its own peer.
    if (counts.size() >= 3) b.set_peers(counts[(counts.size() - 1) / 2]);
    bool alerted = false;
    for (size_t i = 0; i < clients.size(); ++i) {
      ClientTally& c = *clients[i];
      const Judgement j = judge(c, bucket, b, p);
      const double score = c.count < p.min_failed && c.rollup_count < p.min_failed ? 0 : score_of_probability(j.p());
      if (score < p.min_score && c.alerting > 0) c.cusum = 0;  // restarts when its alert ends
      c.alerting = score >= p.min_score ? c.alerting + 1 : 0;
      if (c.alerting > 0) alert(i, j, b, score);
      if (c.alerting == 0 || c.alerting > p.rollup_buckets) learn_usual(c, b, p);
      alerted = alerted || c.alerting > 0;
    }
    frozen_buckets = alerted ? frozen_buckets + 1 : 0;
    if (!alerted || frozen_buckets > p.rollup_buckets) learn(counts, b, p);
    return b;
  }

  // The state, public for snapshots.
  double level = 0;               // failures per active client and bucket, deseasonalised
  std::array<float, 168> season;  // hour-of-week factors
  double dispersion = 0.1;
  double dispersion_excess = 0;   // EWMA of mu^2 phi over buckets
  double dispersion_scale = 0;    // EWMA of mu^2
  uint32_t buckets = 0;           // non-empty buckets seen (warm-up)
  uint32_t frozen_buckets = 0;    // buckets in a row in which a client alerted
};

}  // namespace synwatch::detect
