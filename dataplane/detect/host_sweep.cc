// host_sweep: one source probing one port on many targets (Zeek's Scan::Address_Scan).
// Condition: distinct targets probed without a session on (source, port) within
// window_s >= hosts.
#include "dataplane/detect/detector.h"
#include "dataplane/detect/evidence.h"
#include "dataplane/detect/scoring.h"
#include "dataplane/detect/sliding_distinct.h"

namespace synwatch::detect {
namespace {

class HostSweep : public Detector {
 public:
  explicit HostSweep(const DetectConfig& c) : config_(c), tracked_(c.tracked_keys) {}
  std::string_view name() const override { return "host_sweep"; }
  uint64_t keys_evicted() const override { return tracked_.evicted(); }
  uint32_t tracked_keys() const override { return tracked_.size(); }

  void evaluate(const IntervalPartial& merged, const Interval& at, Reporter& out) override {
    merged.sweeps.for_each([&](const HostPortKey& key, const SweepProbes& v) {
      if (!params(key).enabled) return;
      if (State* s = tracked_.touch(key, at.index)) {
        s->targets.add(v.targets, at.index);
        s->sample.merge(v.target_sample);
        s->probes += v.probes;
        s->span.merge(v.span);
      }
    });
    tracked_.sweep(at.index - longest_window(config_.host_sweep, at), [&](const HostPortKey& key, State& s, int64_t) {
      const HostSweepParams& p = params(key);
      const uint32_t hosts = clamp_estimate(s.targets.count(at.index, at.count_of(p.window_s)), s.probes);
      if (!p.enabled || hosts < p.hosts) return;
      Alert a = alert_draft(name(), key.perspective, key.host, {}, key.port, s.span, hosts, p.hosts,
                            score_of_ratio(hosts, p.hosts));
      a.summary = summary_line("%s probed port %u on %u hosts without a session (%s)", text(key.host).c_str(),
                               key.port, hosts, text(key.perspective).c_str());
      a.evidence = Evidence()
                       .add("distinct_targets", uint64_t{hosts})
                       .add("probes", s.probes)
                       .add("targets", s.sample)
                       .add("threshold", uint64_t{p.hosts})
                       .add("window_s", uint64_t{p.window_s})
                       .finish();
      out.raise(std::move(a));
    });
  }

 private:
  struct State {
    SlidingDistinct targets;
    AddressSample sample;
    uint64_t probes = 0;
    TimeSpan span;
  };
  const HostSweepParams& params(const HostPortKey& k) const {
    return config_.host_sweep[static_cast<size_t>(k.perspective)];
  }

  const DetectConfig& config_;
  Tracked<HostPortKey, State, HostPortKey::Hash> tracked_;
};

}  // namespace

std::unique_ptr<Detector> make_host_sweep(const DetectConfig& c) { return std::make_unique<HostSweep>(c); }

}  // namespace synwatch::detect
