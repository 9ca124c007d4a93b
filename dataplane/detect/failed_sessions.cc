// failed_sessions: unusual volume of failed sessions (ElastiFlow's "Failed TCP Sessions"
// job: high count, partition server, by server port, over client), per perspective.
//
// Each partition (server, port, perspective) has a model of how many failures an active
// client usually has in a bucket (bucket_s, 1 min by default): an EWMA level times an
// hour-of-week seasonal factor, with a negative-binomial over-dispersion. Fed once per
// non-empty bucket with the median client's count (robust to the client being judged),
// clipped to update_clip x the baseline, and frozen while the partition alerts.
//
// After warmup_buckets non-empty buckets each client is scored on its bucket count and
// on its roll-up (rollup_buckets summed, 15 min by default):
//   p = min(negative-binomial upper tail, CUSUM of the busiest client's excess),
// mapped to 0-100 as DESIGN.md section 4 says; min_score and above raise an alert.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <vector>

#include "dataplane/detect/detector.h"
#include "dataplane/detect/evidence.h"
#include "dataplane/detect/negative_binomial.h"
#include "dataplane/detect/scoring.h"

namespace synwatch::detect {
namespace {

// Hours since Monday 00:00 UTC (1970-01-01 was a Thursday).
int hour_of_week(int64_t ms) { return static_cast<int>((ms / 3600000 + 72) % 168); }

class FailedSessions : public Detector {
 public:
  explicit FailedSessions(const DetectConfig& c)
      : config_(c), clients_(c.tracked_keys), partitions_(c.partitions) {}
  std::string_view name() const override { return "failed_sessions"; }
  uint64_t keys_evicted() const override { return clients_.evicted() + partitions_.evicted(); }

  void evaluate(const IntervalPartial& merged, const Interval& at, Reporter& out) override {
    merged.client_failures.for_each([&](const ConnectionKey& key, const ClientFailures& v) {
      const FailedSessionsParams& p = params(key.perspective);
      if (!p.enabled) return;
      const int64_t bucket = at.index / buckets_of(p, at);
      if (ClientState* c = clients_.touch(key, at.index)) {
        if (c->bucket != bucket) {
          c->bucket = bucket;
          c->count = 0;
        }
        c->count += v.failed;
        c->span.merge(v.span);
      }
    });
    // Buckets that end with this interval, per perspective.
    std::array<bool, session::kPerspectiveCount> closing{};
    bool any = false;
    for (size_t i = 0; i + 1 < closing.size(); ++i) {
      closing[i] = config_.failed_sessions[i].enabled && (at.index + 1) % buckets_of(config_.failed_sessions[i], at) == 0;
      any = any || closing[i];
    }
    if (!any) return;
    // Group this bucket's clients by partition; sorted, so models update in a fixed order.
    std::map<HostPortKey, std::vector<std::pair<ConnectionKey, ClientState*>>> groups;
    clients_.sweep(at.index - forget_intervals(at), [&](const ConnectionKey& key, ClientState& c, int64_t) {
      const auto p = static_cast<size_t>(key.perspective);
      if (!closing[p] || c.bucket != at.index / buckets_of(config_.failed_sessions[p], at) || c.count == 0) return;
      groups[{key.server, key.port, key.perspective}].push_back({key, &c});
    });
    for (auto& [order, members] : groups) close_bucket(order, members, at, out);
    partitions_.sweep(at.index - forget_intervals(at), [](const HostPortKey&, Model&, int64_t) {});
  }

 private:
  struct ClientState {
    int64_t bucket = -1;
    uint32_t count = 0;            // failures in that bucket
    int64_t rollup = -1;
    uint64_t rollup_count = 0;     // failures in that roll-up
    TimeSpan span;
  };
  struct Model {
    double level = 0;              // failures per active client and bucket, deseasonalised
    std::array<float, 168> season; // hour-of-week factors
    double dispersion = 0.1;
    uint32_t buckets = 0;          // non-empty buckets seen (warm-up)
    double cusum = 0;
    int64_t rollup = -1;
    double rollup_mean = 0;        // sum of the baselines of the roll-up's buckets
    Model() { season.fill(1.0f); }
  };
  const FailedSessionsParams& params(Perspective p) const { return config_.failed_sessions[static_cast<size_t>(p)]; }
  static int64_t buckets_of(const FailedSessionsParams& p, const Interval& at) { return at.count_of(p.bucket_s); }
  int64_t forget_intervals(const Interval& at) const {
    int64_t longest = 1;
    for (const auto& p : config_.failed_sessions)
      longest = std::max(longest, buckets_of(p, at) * std::max<int64_t>(p.rollup_buckets, 1) * 2);
    return longest;
  }

  void close_bucket(const HostPortKey& part, std::vector<std::pair<ConnectionKey, ClientState*>>& members,
                    const Interval& at, Reporter& out) {
    const FailedSessionsParams& p = params(part.perspective);
    Model* m = partitions_.touch(part, at.index);
    if (m == nullptr) return;
    const int64_t bucket = at.index / buckets_of(p, at);
    const int64_t rollup = bucket / p.rollup_buckets;
    const int how = hour_of_week(at.end_ms() - 1);
    const bool warm = m->buckets >= p.warmup_buckets;
    const double mean = std::max(m->level * m->season[how], 0.05);
    const double phi = std::max(m->dispersion, p.min_dispersion);
    if (m->rollup != rollup) {
      m->rollup = rollup;
      m->rollup_mean = 0;
    }
    if (warm) m->rollup_mean += mean;

    std::vector<uint32_t> counts;
    uint32_t busiest = 0;
    for (auto& [key, c] : members) {
      counts.push_back(c->count);
      busiest = std::max(busiest, c->count);
      if (c->rollup != rollup) {
        c->rollup = rollup;
        c->rollup_count = 0;
      }
      c->rollup_count += c->count;
    }
    std::sort(counts.begin(), counts.end());
    const double median = counts.size() % 2 ? counts[counts.size() / 2]
                                            : 0.5 * (counts[counts.size() / 2 - 1] + counts[counts.size() / 2]);
    // CUSUM of the busiest client's standardised excess; exp(-S) bounds its tail.
    const double sd = std::sqrt(mean + phi * mean * mean);
    if (warm) m->cusum = std::max(0.0, m->cusum + (busiest - mean) / sd - p.cusum_slack);

    bool alerted = false;
    if (warm) {
      for (auto& [key, c] : members) {
        if (c->count < p.min_failed && c->rollup_count < p.min_failed) continue;
        double p_bucket = negative_binomial_upper_tail(c->count, mean, phi);
        if (c->count == busiest) p_bucket = std::min(p_bucket, std::exp(-m->cusum));
        const double rollup_mean = std::max(m->rollup_mean, mean);
        const double p_rollup = negative_binomial_upper_tail(double(c->rollup_count), rollup_mean,
                                                             phi * mean / rollup_mean);
        const bool by_rollup = p_rollup < p_bucket;
        const double score = score_of_probability(std::min(p_bucket, p_rollup));
        if (score < p.min_score) continue;
        alerted = true;
        const uint64_t count = by_rollup ? c->rollup_count : c->count;
        const double baseline = std::round((by_rollup ? rollup_mean : mean) * 100) / 100;
        Alert a = alert_draft(name(), part.perspective, key.client, part.host, part.port, c->span, count, baseline,
                              score);
        a.summary = summary_line("%s failed %llu times to reach %s port %u in %u s, expected %.1f (%s)",
                                 text(key.client).c_str(), static_cast<unsigned long long>(count),
                                 text(part.host).c_str(), part.port,
                                 by_rollup ? p.bucket_s * p.rollup_buckets : p.bucket_s, baseline,
                                 text(part.perspective).c_str());
        a.evidence = Evidence()
                         .add("bucket_count", uint64_t{c->count})
                         .add("rollup_count", c->rollup_count)
                         .add("baseline", std::round(mean * 100) / 100)
                         .add("rollup_baseline", std::round(rollup_mean * 100) / 100)
                         .add("dispersion", std::round(phi * 1000) / 1000)
                         .add("partition_median", median)
                         .add("partition_clients", uint64_t(members.size()))
                         .add("p_value", std::min(p_bucket, p_rollup))
                         .add("cusum", std::round(m->cusum * 100) / 100)
                         .add("hour_of_week", uint64_t(how))
                         .add("bucket_s", uint64_t{p.bucket_s})
                         .finish();
        out.raise(std::move(a));
      }
    }
    if (alerted) return;  // frozen while the partition alerts
    learn(*m, p, median, counts, how, warm ? mean : 0);
  }

  // One non-empty bucket's evidence into the model: level, season, dispersion.
  static void learn(Model& m, const FailedSessionsParams& p, double median, const std::vector<uint32_t>& counts,
                    int how, double mean) {
    const double y = mean > 0 ? std::min(median, p.update_clip * mean) : median;
    const double a = 1 - std::pow(0.5, 1 / p.level_halflife_buckets);
    const double buckets_per_week_slot = 3600.0 / p.bucket_s;
    const double b = 1 - std::pow(0.5, 1 / (p.season_halflife_weeks * buckets_per_week_slot));
    float& s = m.season[how];
    if (m.buckets == 0) {
      m.level = y / s;
    } else {
      m.level += a * (y / s - m.level);
      if (m.level > 0) s = static_cast<float>(std::clamp(s + b * (y / m.level - s), 0.05, 20.0));
    }
    if (mean > 0) {
      // Method of moments on this bucket's clients: var = mu + phi mu^2.
      double excess = 0;
      for (uint32_t x : counts) excess += ((x - mean) * (x - mean) - mean) / (mean * mean);
      const double sample = std::clamp(excess / double(counts.size()), p.min_dispersion, 10.0);
      m.dispersion += a * (sample - m.dispersion);
    }
    ++m.buckets;
  }

  const DetectConfig& config_;
  Tracked<ConnectionKey, ClientState, ConnectionKey::Hash> clients_;
  Tracked<HostPortKey, Model, HostPortKey::Hash> partitions_;
};

}  // namespace

std::unique_ptr<Detector> make_failed_sessions(const DetectConfig& c) { return std::make_unique<FailedSessions>(c); }

}  // namespace synwatch::detect
