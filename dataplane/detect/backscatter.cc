// backscatter: a host answering connection attempts nobody saw: SYN-ACKs and RSTs to
// many addresses, with no SYN from them. It is answering spoofed SYNs (someone floods it
// with forged sources), or our addresses were forged in a flood against it. Condition:
// within window_s, at least min_sessions such responder-only sessions to at least
// min_peers distinct addresses.
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

  void evaluate(const IntervalPartial& merged, const Interval& at, Reporter& out) override {
    merged.responders.for_each([&](const HostKey& key, const ResponderOnly& v) {
      if (!params(key).enabled) return;
      if (State* s = tracked_.touch(key, at.index)) {
        s->peers.add(v.peers, at.index);
        s->sample.merge(v.peer_sample);
        s->sessions += v.sessions;
        s->synack += v.synack;
        s->rst += v.rst;
        s->span.merge(v.span);
      }
    });
    tracked_.sweep(at.index - longest_window(config_.backscatter, at), [&](const HostKey& key, State& s, int64_t) {
      const BackscatterParams& p = params(key);
      const uint32_t peers = s.peers.count(at.index, at.count_of(p.window_s));
      if (!p.enabled || peers < p.min_peers || s.sessions < p.min_sessions) return;
      Alert a = alert_draft(name(), key.perspective, key.host, {}, 0, s.span, s.sessions, p.min_sessions,
                            std::min(score_of_ratio(peers, p.min_peers), score_of_ratio(double(s.sessions), p.min_sessions)));
      a.summary = summary_line("%s answered %llu connections nobody opened (%llu SYN-ACK, %llu RST) to %u addresses (%s)",
                               text(key.host).c_str(), static_cast<unsigned long long>(s.sessions),
                               static_cast<unsigned long long>(s.synack), static_cast<unsigned long long>(s.rst),
                               peers, text(key.perspective).c_str());
      a.evidence = Evidence()
                       .add("sessions", s.sessions)
                       .add("synack", s.synack)
                       .add("rst", s.rst)
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
    uint64_t sessions = 0, synack = 0, rst = 0;
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
