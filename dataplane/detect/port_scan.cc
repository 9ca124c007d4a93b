// port_scan: one source probing many ports of one target (Zeek's Scan::Port_Scan).
// Condition: distinct ports probed without a session (failed SYNs, stealth and ACK
// probes) on (source, target) within window_s >= ports.
#include "dataplane/detect/detector.h"
#include "dataplane/detect/evidence.h"
#include "dataplane/detect/scoring.h"
#include "dataplane/detect/sliding_distinct.h"

namespace synwatch::detect {
namespace {

class PortScan : public Detector {
 public:
  explicit PortScan(const DetectConfig& c) : config_(c), tracked_(c.tracked_keys) {}
  std::string_view name() const override { return "port_scan"; }
  uint64_t keys_evicted() const override { return tracked_.evicted(); }

  void evaluate(const IntervalPartial& merged, const Interval& at, Reporter& out) override {
    merged.pair_probes.for_each([&](const HostPairKey& key, const PairProbes& v) {
      if (!params(key).enabled) return;
      if (State* s = tracked_.touch(key, at.index)) {
        s->ports.add(v.ports, at.index);
        s->probes += v.probes;
        s->span.merge(v.span);
      }
    });
    tracked_.sweep(at.index - longest_window(config_.port_scan, at), [&](const HostPairKey& key, State& s, int64_t) {
      const PortScanParams& p = params(key);
      // Past the exact range the distinct count is an estimate: never above the probes.
      const uint32_t ports = clamp_estimate(s.ports.count(at.index, at.count_of(p.window_s)), s.probes);
      if (!p.enabled || ports < p.ports) return;
      uint32_t listed[SlidingDistinct::kExact];
      const uint32_t n = s.ports.values(at.index, at.count_of(p.window_s), listed);
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
    });
  }

 private:
  struct State {
    SlidingDistinct ports;
    uint64_t probes = 0;
    TimeSpan span;
  };
  const PortScanParams& params(const HostPairKey& k) const {
    return config_.port_scan[static_cast<size_t>(k.perspective)];
  }

  const DetectConfig& config_;
  Tracked<HostPairKey, State, HostPairKey::Hash> tracked_;
};

}  // namespace

std::unique_ptr<Detector> make_port_scan(const DetectConfig& c) { return std::make_unique<PortScan>(c); }

}  // namespace synwatch::detect
