// failed_sessions: unusual volume of failed sessions (ElastiFlow's "Failed TCP Sessions"
// job: high count, partition server, by server port, over client), per perspective.
//
// Each partition (server, port, perspective) has a model of how many failures an active
// client has in a bucket (bucket_s, 1 min by default); failed_sessions_model.h has the
// statistics. After warmup_buckets non-empty buckets each client is judged on its bucket
// count, its roll-up (rollup_buckets summed, 15 min by default) and its CUSUM; a score of
// min_score or more raises an alert, held until the next bucket closes. The model learns
// from every bucket, except while the partition alerts.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <vector>

#include "dataplane/detect/detector.h"
#include "dataplane/detect/evidence.h"
#include "dataplane/detect/failed_sessions_model.h"
#include "dataplane/detect/scoring.h"

namespace synwatch::detect {
namespace {

class FailedSessions : public Detector {
 public:
  explicit FailedSessions(const DetectConfig& c)
      : config_(c), clients_(c.tracked_keys), partitions_(c.partitions) {}
  std::string_view name() const override { return "failed_sessions"; }
  uint64_t keys_evicted() const override { return clients_.evicted() + partitions_.evicted(); }
  uint32_t tracked_keys() const override { return clients_.size() + partitions_.size(); }

  void evaluate(const IntervalPartial& merged, const Interval& at, Reporter& out) override {
    merged.client_failures.for_each([&](const ConnectionKey& key, const ClientFailures& v) {
      const FailedSessionsParams& p = params(key.perspective);
      if (!p.enabled) return;
      const int64_t bucket = at.index / buckets_of(p, at);
      if (Client* c = clients_.touch(key, at.index)) {
        if (c->tally.bucket != bucket) {
          c->tally.bucket = bucket;
          c->tally.count = 0;
          c->span = {};
          if (bucket / p.rollup_buckets != c->tally.rollup) c->rollup_span = {};
        }
        c->tally.count += v.failed;
        c->span.merge(v.span);
        c->rollup_span.merge(v.span);
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
    std::map<HostPortKey, std::vector<std::pair<ConnectionKey, Client*>>> groups;
    clients_.sweep(at.index - forget_intervals(at), [&](const ConnectionKey& key, Client& c, int64_t) {
      const auto p = static_cast<size_t>(key.perspective);
      if (!closing[p] || c.tally.bucket != at.index / buckets_of(config_.failed_sessions[p], at) || c.tally.count == 0)
        return;
      groups[{key.server, key.port, key.perspective}].push_back({key, &c});
    });
    for (auto& [part, members] : groups) close_bucket(part, members, at, out);
    partitions_.sweep(at.index - forget_partitions_intervals(at), [](const HostPortKey&, PartitionModel&, int64_t) {});
  }

  std::string_view baseline_unit() const override { return "failed sessions of a failing client per bucket"; }
  void baselines(const PartitionFilter& f, const Interval& now, std::vector<PartitionBaseline>& out) const override {
    partitions_.for_each([&](const HostPortKey& key, const PartitionModel& m, int64_t last) {
      if (!f.matches(key)) return;
      const FailedSessionsParams& p = params(key.perspective);
      const int64_t buckets = buckets_of(p, now);
      const Baseline b = m.open_bucket((now.index / buckets + 1) * buckets * now.length_ms, p);  // the next bucket
      out.push_back({key, b.mean, b.dispersion, m.buckets, b.warm, (last + 1) * now.length_ms});
    });
  }
  uint32_t forget(const PartitionFilter& f) override {
    clients_.forget_if([&](const ConnectionKey& k) { return f.matches({k.server, k.port, k.perspective}); });
    return partitions_.forget_if([&](const HostPortKey& k) { return f.matches(k); });
  }

  bool has_snapshot() const override { return true; }
  void save(SnapshotWriter& w) const override {
    save_tracked(w, partitions_, [](SnapshotWriter& out, const PartitionModel& m) {
      out.f64(m.level);
      for (float f : m.season) out.f32(f);
      out.f64(m.dispersion);
      out.f64(m.dispersion_excess);
      out.f64(m.dispersion_scale);
      out.u32(m.buckets);
      out.u32(m.frozen_buckets);
    });
  }
  bool restore(SnapshotReader& r, uint32_t& entries) override {
    return restore_tracked(r, partitions_, kSavedModelBytes, entries, [](SnapshotReader& in, PartitionModel& m) {
      m.level = in.f64();
      for (float& f : m.season) f = in.f32();
      m.dispersion = in.f64();
      m.dispersion_excess = in.f64();
      m.dispersion_scale = in.f64();
      m.buckets = in.u32();
      m.frozen_buckets = in.u32();
      bool sane = m.level >= 0 && m.dispersion > 0 && m.dispersion <= 10 && m.dispersion_scale >= 0;
      for (float f : m.season) sane = sane && f >= 0.05f && f <= 20.0f;
      return sane;
    });
  }

 private:
  struct Client {
    ClientTally tally;
    TimeSpan span, rollup_span;  // of the failures in the bucket, in the roll-up
  };
  const FailedSessionsParams& params(Perspective p) const { return config_.failed_sessions[static_cast<size_t>(p)]; }
  static int64_t buckets_of(const FailedSessionsParams& p, const Interval& at) { return at.count_of(p.bucket_s); }
  // Level, 168 seasonal factors, dispersion (3), buckets (2).
  static constexpr size_t kSavedModelBytes = 8 + 168 * 4 + 3 * 8 + 2 * 4;

  // A partition's model outlives quiet spells: it goes after two seasonal half-lives of
  // silence, or when the table is full and it is the oldest.
  int64_t forget_partitions_intervals(const Interval& at) const {
    double weeks = 0;
    for (const auto& p : config_.failed_sessions) weeks = std::max(weeks, 2 * p.season_halflife_weeks);
    return std::max<int64_t>(1, static_cast<int64_t>(weeks * 7 * 86400 * 1000 / double(at.length_ms)));
  }
  int64_t forget_intervals(const Interval& at) const {
    int64_t longest = 1;
    for (const auto& p : config_.failed_sessions)
      longest = std::max(longest, buckets_of(p, at) * std::max<int64_t>(p.rollup_buckets, 1) * 2);
    return longest;
  }

  void close_bucket(const HostPortKey& part, const std::vector<std::pair<ConnectionKey, Client*>>& members,
                    const Interval& at, Reporter& out) {
    const FailedSessionsParams& p = params(part.perspective);
    PartitionModel* m = partitions_.touch(part, at.index);
    if (m == nullptr) return;
    tallies_.clear();
    for (const auto& [key, c] : members) tallies_.push_back(&c->tally);
    m->close_bucket(tallies_, at.index / buckets_of(p, at), at.end_ms(), p, counts_,
                    [&](size_t i, const Judgement& j, const Baseline& b, double score) {
                      const auto& [key, c] = members[i];
                      out.raise(alert_of(part, key, *c, j, b, p, score, counts_),
                                static_cast<uint32_t>(buckets_of(p, at)));
                    });
  }

  Alert alert_of(const HostPortKey& part, const ConnectionKey& key, const Client& c, const Judgement& j,
                 const Baseline& b, const FailedSessionsParams& p, double score,
                 const std::vector<uint32_t>& counts) const {
    const bool by_rollup = j.by_rollup();
    const uint64_t count = by_rollup ? c.tally.rollup_count : c.tally.count;
    const double baseline = std::round((by_rollup ? c.tally.rollup_expected : b.judged_mean) * 100) / 100;
    Alert a = alert_draft(name(), part.perspective, key.client, part.host, part.port, by_rollup ? c.rollup_span : c.span,
                          count, baseline, score);
    a.summary = summary_line("%s failed %llu times to reach %s port %u in %u s, expected %.1f (%s)",
                             text(key.client).c_str(), static_cast<unsigned long long>(count),
                             text(part.host).c_str(), part.port,
                             by_rollup ? p.bucket_s * p.rollup_buckets : p.bucket_s, baseline,
                             text(part.perspective).c_str());
    a.evidence = Evidence()
                     .add("bucket_count", uint64_t{c.tally.count})
                     .add("rollup_count", c.tally.rollup_count)
                     .add("baseline", std::round(b.mean * 100) / 100)
                     .add("judged_by", std::round(b.judged_mean * 100) / 100)
                     .add("rollup_baseline", std::round(c.tally.rollup_expected * 100) / 100)
                     .add("dispersion", std::round(b.dispersion * 1000) / 1000)
                     .add("partition_median", median_of(counts))
                     .add("partition_clients", uint64_t(counts.size()))
                     .add("p_value", j.p())
                     .add("cusum", std::round(c.tally.cusum * 100) / 100)
                     .add("hour_of_week", uint64_t(b.hour_of_week))
                     .add("bucket_s", uint64_t{p.bucket_s})
                     .finish();
    return a;
  }

  const DetectConfig& config_;
  Tracked<ConnectionKey, Client, ConnectionKey::Hash> clients_;
  Tracked<HostPortKey, PartitionModel, HostPortKey::Hash> partitions_;
  std::vector<ClientTally*> tallies_;  // scratch, kept to spare allocations
  std::vector<uint32_t> counts_;
};

}  // namespace

std::unique_ptr<Detector> make_failed_sessions(const DetectConfig& c) { return std::make_unique<FailedSessions>(c); }

}  // namespace synwatch::detect
