// null_scan, xmas_scan, fin_scan: probes no TCP stack sends in normal operation, which
// nmap uses to map ports past stateless filters: no flags at all (-sN), FIN+PSH+URG
// (-sX), a lone FIN (-sF), each outside any session. Condition: a source sends at least
// `probes` distinct (target, port) probes of one kind within window_s.
#include "dataplane/detect/detector.h"
#include "dataplane/detect/evidence.h"
#include "dataplane/detect/scoring.h"
#include "dataplane/detect/sliding_distinct.h"

namespace synwatch::detect {
namespace {

// By StealthKind: the detector, and the probe as nmap's documentation calls it.
constexpr std::string_view kNames[] = {"null_scan", "xmas_scan", "fin_scan"};
constexpr const char* kFlags[] = {"NULL", "XMAS", "FIN"};

class StealthScan : public Detector {
 public:
  StealthScan(const DetectConfig& c, StealthKind kind)
      : kind_(kind), params_(kind == StealthKind::kNull   ? c.null_scan
                                         : kind == StealthKind::kXmas ? c.xmas_scan
                                                                      : c.fin_scan),
        tracked_(c.tracked_keys) {}
  std::string_view name() const override { return kNames[static_cast<size_t>(kind_)]; }
  uint64_t keys_evicted() const override { return tracked_.evicted(); }
  uint32_t tracked_keys() const override { return tracked_.size(); }

  void evaluate(const IntervalPartial& merged, const Interval& at, Reporter& out) override {
    const auto k = static_cast<size_t>(kind_);
    merged.stealth.for_each([&](const HostPairKey& key, const StealthProbes& v) {
      if (v.probes[k] == 0 || !params(key.perspective).enabled) return;
      if (State* s = tracked_.touch({key.source, key.perspective}, at.index)) {
        // A probe is a (target, port): one distinct value per port of this target.
        DistinctSet probes;
        for (uint32_t i = 0; i < v.ports[k].stored(); ++i)
          probes.add(address_tag(key.target) ^ static_cast<uint32_t>(mix64(v.ports[k].values()[i])));
        s->probes.add(probes, at.index);
        s->targets.add(key.target);
        s->ports.merge(v.ports[k]);
        s->sent += v.probes[k];
        s->span.merge(v.span);
      }
    });
    tracked_.sweep(at.index - longest_window(params_, at), [&](const HostKey& key, State& s, int64_t) {
      const StealthScanParams& p = params(key.perspective);
      const uint32_t probes = s.probes.count(at.index, at.count_of(p.window_s));
      if (!p.enabled || probes < p.probes) return;
      const wire::IpAddress target = s.targets.size() == 1 ? s.targets[0] : wire::IpAddress{};
      Alert a = alert_draft(name(), key.perspective, key.host, target, 0, s.span, probes, p.probes,
                            score_of_ratio(probes, p.probes));
      a.summary = summary_line("%s sent %u %s probes to %s (%s)", text(key.host).c_str(), probes,
                               kFlags[static_cast<size_t>(kind_)],
                               s.targets.size() == 1 ? text(target).c_str() : "several hosts",
                               text(key.perspective).c_str());
      a.evidence = Evidence()
                       .add("probes", uint64_t{probes})
                       .add("packets", s.sent)
                       .add("targets", s.targets)
                       .add_ports("ports", s.ports.values(), s.ports.stored())
                       .add("threshold", uint64_t{p.probes})
                       .add("window_s", uint64_t{p.window_s})
                       .finish();
      out.raise(std::move(a));
    });
  }

 private:
  struct State {
    SlidingDistinct probes;
    AddressSample targets;
    DistinctSet ports;
    uint64_t sent = 0;
    TimeSpan span;
  };
  const StealthScanParams& params(session::Perspective p) const { return params_[static_cast<size_t>(p)]; }

  StealthKind kind_;
  const PerPerspective<StealthScanParams>& params_;
  Tracked<HostKey, State, HostKey::Hash> tracked_;
};

}  // namespace

std::unique_ptr<Detector> make_stealth_scan(const DetectConfig& c, StealthKind kind) {
  return std::make_unique<StealthScan>(c, kind);
}

}  // namespace synwatch::detect
