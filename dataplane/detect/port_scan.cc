// port_scan: one source probing many ports of one target (Zeek's Scan::Port_Scan).
// Condition: distinct ports probed without a session (failed SYNs, stealth and ACK
// probes) on (source, target) within window_s >= ports.
//
// Sampled input shows no failed session, only sessions whose sampled packets look like
// a probe (sampled_probe). Their distinct ports, scaled up by how likely a probe is to
// be sampled (sampled_estimate.h), stand in for the count once at least sampled_ports
// of them were seen: at 1:10 a scan of 30 ports is found, at 1:1000 one of thousands.
#include <algorithm>
#include <cmath>

#include "dataplane/detect/detector.h"
#include "dataplane/detect/evidence.h"
#include "dataplane/detect/sampled_estimate.h"
#include "dataplane/detect/scoring.h"
#include "dataplane/detect/sliding_distinct.h"

namespace synwatch::detect {
namespace {

class PortScan : public Detector {
 public:
  explicit PortScan(const DetectConfig& c) : config_(c), tracked_(c.tracked_keys), sampled_(c.tracked_keys) {}
  std::string_view name() const override { return "port_scan"; }
  uint64_t keys_evicted() const override { return tracked_.evicted() + sampled_.evicted(); }
  uint32_t tracked_keys() const override { return tracked_.size() + sampled_.size(); }

  void evaluate(const IntervalPartial& merged, const Interval& at, Reporter& out) override {
    merged.pair_probes.for_each([&](const HostPairKey& key, const PairProbes& v) {
      if (!params(key).enabled) return;
      if (State* s = tracked_.touch(key, at.index)) {
        s->ports.add(v.ports, at.index);
        s->probes += v.probes;
        s->span.merge(v.span);
      }
    });
    merged.sampled_probes.for_each([&](const HostPairKey& key, const SampledProbes& v) {
      if (!params(key).enabled) return;
      if (Sampled* s = sampled_.touch(key, at.index)) {
        s->ports.add(v.ports, at.index);
        s->pairs.add(v.pairs, at.index);
        s->sessions += v.sessions;
        s->sampling = std::max(s->sampling, v.sampling);
        s->span.merge(v.span);
      }
    });
    // Sampled estimates first: where an exporter is unsampled its exact count, raised
    // after, is the one the alert keeps.
    sampled_.sweep(at.index - longest_window(config_.port_scan, at), [&](const HostPairKey& key, Sampled& s, int64_t) {
      if (params(key).enabled) raise_sampled(key, s, params(key), at, out);
    });
    tracked_.sweep(at.index - longest_window(config_.port_scan, at), [&](const HostPairKey& key, State& s, int64_t) {
      const PortScanParams& p = params(key);
      // Past the exact range the distinct count is an estimate: never above the probes.
      const int64_t window = at.count_of(p.window_s);
      const uint32_t ports = clamp_estimate(s.ports.count(at.index, window), s.probes);
      if (p.enabled && ports >= p.ports) {
        uint32_t listed[SlidingDistinct::kExact];
        const uint32_t n = s.ports.values(at.index, window, listed);
        Alert a = alert_draft(name(), key.perspective, key.source, key.target, 0, s.span, ports, p.ports,
                              score_of_ratio(ports, p.ports));
        a.summary = summary_line("%s probed %u ports of %s without a session (%s)", text(key.source).c_str(),
                                 ports, text(key.target).c_str(), text(key.perspective).c_str());
        a.evidence = Evidence()
                         .add("distinct_ports", uint64_t{ports})
                         .add("probes", s.probes)
                         .add_ports("ports", listed, n)
                         .add("threshold", uint64_t{p.ports})
                         .add("window_s", uint64_t{p.window_s})
                         .finish();
        out.raise(std::move(a));
      }
    });
  }

 private:
  struct State {
    SlidingDistinct ports;
    uint64_t probes = 0;
    TimeSpan span;
  };
  struct Sampled {
    SlidingDistinct ports, pairs;
    uint64_t sessions = 0;
    uint32_t sampling = 0;
    TimeSpan span;
  };

  void raise_sampled(const HostPairKey& key, const Sampled& s, const PortScanParams& p, const Interval& at,
                     Reporter& out) const {
    const int64_t window = at.count_of(p.window_s);
    const uint32_t seen = clamp_estimate(s.ports.count(at.index, window), s.sessions);
    if (seen < p.sampled_ports) return;
    const uint32_t sessions = clamp_estimate(s.pairs.count(at.index, window), s.sessions);
    const double estimate = estimate_sampled_distinct(seen, sessions, probe_seen_probability(s.sampling));
    const auto ports = static_cast<uint32_t>(std::min(65535.0, std::round(estimate)));
    if (ports < p.ports) return;
    uint32_t listed[SlidingDistinct::kExact];
    const uint32_t n = s.ports.values(at.index, window, listed);
    Alert a = alert_draft(name(), key.perspective, key.source, key.target, 0, s.span, ports, p.ports,
                          score_of_ratio(ports, p.ports));
    a.summary = summary_line("%s probed about %u ports of %s without a session: %u seen at 1:%u sampling (%s)",
                             text(key.source).c_str(), ports, text(key.target).c_str(), seen, s.sampling,
                             text(key.perspective).c_str());
    a.evidence = Evidence()
                     .add("estimated_ports", uint64_t{ports})
                     .add("sampled_ports", uint64_t{seen})
                     .add("sampled_sessions", uint64_t{sessions})
                     .add("sampling", uint64_t{s.sampling})
                     .add_ports("ports", listed, n)
                     .add("threshold", uint64_t{p.ports})
                     .add("window_s", uint64_t{p.window_s})
                     .finish();
    out.raise(std::move(a));
  }
  const PortScanParams& params(const HostPairKey& k) const {
    return config_.port_scan[static_cast<size_t>(k.perspective)];
  }

  const DetectConfig& config_;
  Tracked<HostPairKey, State, HostPairKey::Hash> tracked_;
  Tracked<HostPairKey, Sampled, HostPairKey::Hash> sampled_;
};

}  // namespace

std::unique_ptr<Detector> make_port_scan(const DetectConfig& c) { return std::make_unique<PortScan>(c); }

}  // namespace synwatch::detect
