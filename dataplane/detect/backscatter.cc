// backscatter: a host sending answers to many addresses that never called it. Either
// it answers SYNs we did not see (SYN-ACKs and RSTs with no SYN: our addresses were
// forged in a flood against it), or it answers SYNs with forged sources (half-open:
// SYN, SYN-ACK, then silence, where a real client would at least reset). Condition:
// within window_s, at least min_sessions such answers to at least min_peers distinct
// addresses.
#include "dataplane/detect/detector.h"
#include "dataplane/detect/evidence.h"
#include "dataplane/detect/scoring.h"
#include "dataplane/detect/sliding_distinct.h"

namespace synwatch::detect {
namespace {

class Backscatter : public Detector {
 public:
  explicit Backscatter(const DetectConfig& c) : config_(c), tracked_(c.tracked_keys) {}
  std::string_view name() const override { return "backscatter"; }
  uint64_t keys_evicted() const override { return tracked_.evicted(); }
  uint32_t tracked_keys() const override { return tracked_.size(); }

  void evaluate(const IntervalPartial& merged, const Interval& at, Reporter& out) override {
    merged.responders.for_each([&](const HostKey& key, const ResponderOnly& v) {
      if (!params(key).enabled) return;
      if (State* s = tracked_.touch(key, at.index)) {
        s->peers.add(v.peers, at.index);
        s->sample.merge(v.peer_sample);
        s->sessions += v.sessions;
        s->synack += v.synack;
        s->rst += v.rst;
        s->half_open += v.half_open;
        s->span.merge(v.span);
      }
    });
    tracked_.sweep(at.index - longest_window(config_.backscatter, at), [&](const HostKey& key, State& s, int64_t) {
      const BackscatterParams& p = params(key);
      const uint32_t peers = clamp_estimate(s.peers.count(at.index, at.count_of(p.window_s)), s.sessions);
      if (!p.enabled || peers < p.min_peers || s.sessions < p.min_sessions) return;
      Alert a = alert_draft(name(), key.perspective, key.host, {}, 0, s.span, s.sessions, p.min_sessions,
                            std::min(score_of_ratio(peers, p.min_peers), score_of_ratio(double(s.sessions), p.min_sessions)));
      a.summary = summary_line(
          "%s sent %llu answers to %u addresses that never called it (%llu SYN-ACK and %llu RST unsolicited, "
          "%llu SYN-ACK to forged SYNs) (%s)",
          text(key.host).c_str(), static_cast<unsigned long long>(s.sessions), peers,
          static_cast<unsigned long long>(s.synack), static_cast<unsigned long long>(s.rst),
          static_cast<unsigned long long>(s.half_open), text(key.perspective).c_str());
      a.evidence = Evidence()
                       .add("sessions", s.sessions)
                       .add("synack", s.synack)
                       .add("rst", s.rst)
                       .add("half_open", s.half_open)
                       .add("distinct_peers", uint64_t{peers})
                       .add("peers", s.sample)
                       .add("min_sessions", uint64_t{p.min_sessions})
                       .add("min_peers", uint64_t{p.min_peers})
                       .add("window_s", uint64_t{p.window_s})
                       .finish();
      out.raise(std::move(a));
    });
  }

 private:
  struct State {
    SlidingDistinct peers;
    AddressSample sample;
    uint64_t sessions = 0, synack = 0, rst = 0, half_open = 0;
    TimeSpan span;
  };
  const BackscatterParams& params(const HostKey& k) const {
    return config_.backscatter[static_cast<size_t>(k.perspective)];
  }

  const DetectConfig& config_;
  Tracked<HostKey, State, HostKey::Hash> tracked_;
};

}  // namespace

std::unique_ptr<Detector> make_backscatter(const DetectConfig& c) { return std::make_unique<Backscatter>(c); }

}  // namespace synwatch::detect
