// syn_flood: connection attempts to one service far above its usual rate, with few of
// them completing. Per (server, port) and interval (interval_s, 10 s by default):
// attempts >= min_attempts, established <= max_established x attempts, and attempts >=
// baseline_factor x the service's baseline (an EWMA of its attempts per interval, not
// updated while a flood is open). Sampled exports count SYN and SYN-ACK packets scaled
// by the sampling rate instead of sessions. While open, half the thresholds keep it open,
// so a flood that wavers around them gives one alert, not many. The sources it names are
// those whose attempts failed: the flood's senders, forged or not, not the clients that
// still got through.
#include <cmath>

#include "dataplane/detect/detector.h"
#include "dataplane/detect/evidence.h"
#include "dataplane/detect/scoring.h"
#include "dataplane/detect/sliding_distinct.h"

namespace synwatch::detect {
namespace {

class SynFlood : public Detector {
 public:
  explicit SynFlood(const DetectConfig& c) : config_(c), tracked_(c.tracked_keys) {}
  std::string_view name() const override { return "syn_flood"; }
  uint64_t keys_evicted() const override { return tracked_.evicted(); }
  uint32_t tracked_keys() const override { return tracked_.size(); }

  void evaluate(const IntervalPartial& merged, const Interval& at, Reporter& out) override {
    merged.services.for_each([&](const HostPortKey& key, const ServiceStats& v) {
      const SynFloodParams& p = params(key);
      if (!p.enabled) return;
      State* s = tracked_.touch(key, at.index);
      if (s == nullptr) return;
      const double attempts = double(v.attempts) + double(v.sampled_syn);
      const double completed = double(v.established) + double(v.sampled_synack);
      // The baseline decays over the intervals without attempts since it was last fed.
      const double keep = std::pow(0.5, 1.0 / p.baseline_halflife_intervals);
      s->baseline *= std::pow(keep, double(at.index - s->fed - 1));
      const bool open = out.book().is_open(name(), {}, key.host, key.port, key.perspective);
      const double scale = open ? 0.5 : 1.0;
      const bool flooding = attempts >= scale * p.min_attempts && completed <= p.max_established * attempts &&
                            attempts >= scale * p.baseline_factor * s->baseline;
      if (flooding) {
        if (!open) s->episode = {};
        s->episode.attempts += attempts;
        s->episode.completed += completed;
        s->episode.rejected += v.rejected;
        s->episode.unanswered += v.unanswered;
        s->episode.sources.merge(v.failed_clients);
        s->episode.sample.merge(v.client_sample);
        s->episode.span.merge(v.span);
        raise(key, *s, attempts, out);
      } else {
        // Updates are clipped, so one burst below the alarm cannot lift the baseline far.
        const double clipped = std::min(attempts, std::max(2 * s->baseline, 1.0) * 4);
        s->baseline = keep * s->baseline + (1 - keep) * clipped;
      }
      s->fed = at.index;
    });
    tracked_.sweep(at.index - 8640, [](const HostPortKey&, State&, int64_t) {});  // a day of silence: forgotten
  }

  std::string_view baseline_unit() const override { return "connection attempts per interval"; }
  void baselines(const PartitionFilter& f, const Interval& now, std::vector<PartitionBaseline>& out) const override {
    tracked_.for_each([&](const HostPortKey& key, const State& s, int64_t last) {
      if (!f.matches(key)) return;
      // As evaluate() will see it: decayed over the intervals since it was last fed.
      const double keep = std::pow(0.5, 1.0 / params(key).baseline_halflife_intervals);
      const double expected = s.baseline * std::pow(keep, double(std::max<int64_t>(now.index - s.fed, 0)));
      out.push_back({key, expected, 0, 0, true, (last + 1) * now.length_ms});
    });
  }
  uint32_t forget(const PartitionFilter& f) override {
    return tracked_.forget_if([&](const HostPortKey& k) { return f.matches(k); });
  }

  // The baselines; an open episode is not kept (its alert resolves at shutdown).
  bool has_snapshot() const override { return true; }
  void save(SnapshotWriter& w) const override {
    save_tracked(w, tracked_, [](SnapshotWriter& out, const State& s) {
      out.f64(s.baseline);
      out.i64(s.fed);
    });
  }
  bool restore(SnapshotReader& r, uint32_t& entries) override {
    return restore_tracked(r, tracked_, 16, entries, [](SnapshotReader& in, State& s) {
      s.baseline = in.f64();
      s.fed = in.i64();
      return s.baseline >= 0;
    });
  }

 private:
  struct Episode {
    double attempts = 0, completed = 0;
    uint64_t rejected = 0, unanswered = 0;
    DistinctSet sources;
    AddressSample sample;
    TimeSpan span;
  };
  struct State {
    double baseline = 0;  // attempts per interval
    int64_t fed = 0;
    Episode episode;
  };

  void raise(const HostPortKey& key, const State& s, double attempts, Reporter& out) const {
    // How unlikely this interval is for the baseline: a geometric (negative binomial
    // with size 1) tail, generous to bursty services.
    const double mean = std::max(s.baseline, 1.0);
    const double p_tail = std::exp(attempts * std::log(mean / (1 + mean)));
    const auto& e = s.episode;
    const uint32_t sources = clamp_estimate(e.sources.count(), static_cast<uint64_t>(std::llround(e.attempts)));
    Alert a = alert_draft(name(), key.perspective, {}, key.host, key.port, e.span,
                          static_cast<uint64_t>(std::llround(e.attempts)), std::round(s.baseline * 100) / 100,
                          score_of_probability(p_tail));
    a.summary = summary_line("%s port %u: %.0f connection attempts in %u s from %u sources, %.0f completed (%s)",
                             text(key.host).c_str(), key.port, attempts, config_.interval_s, sources,
                             e.completed, text(key.perspective).c_str());
    a.evidence = Evidence()
                     .add("attempts_last_interval", attempts)
                     .add("attempts", e.attempts)
                     .add("completed", e.completed)
                     .add("rejected", e.rejected)
                     .add("unanswered", e.unanswered)
                     .add("distinct_sources", uint64_t{sources})
                     .add("sources", e.sample)
                     .add("baseline_per_interval", std::round(s.baseline * 100) / 100)
                     .add("interval_s", uint64_t{config_.interval_s})
                     .finish();
    out.raise(std::move(a));
  }
  const SynFloodParams& params(const HostPortKey& k) const {
    return config_.syn_flood[static_cast<size_t>(k.perspective)];
  }

  const DetectConfig& config_;
  Tracked<HostPortKey, State, HostPortKey::Hash> tracked_;
};

}  // namespace

std::unique_ptr<Detector> make_syn_flood(const DetectConfig& c) { return std::make_unique<SynFlood>(c); }

}  // namespace synwatch::detect
