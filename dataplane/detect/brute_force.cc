// brute_force: many short sessions from one client to one login service (SSH, Telnet,
// RDP, VNC: DetectConfig::login_ports), each a new client port: password guessing.
// Condition: distinct client ports on (client, server, port) within window_s >= sessions.
#include "dataplane/detect/detector.h"
#include "dataplane/detect/evidence.h"
#include "dataplane/detect/scoring.h"
#include "dataplane/detect/sliding_distinct.h"

namespace synwatch::detect {
namespace {

class BruteForce : public Detector {
 public:
  explicit BruteForce(const DetectConfig& c) : config_(c), tracked_(c.tracked_keys) {}
  std::string_view name() const override { return "brute_force"; }
  uint64_t keys_evicted() const override { return tracked_.evicted(); }
  uint32_t tracked_keys() const override { return tracked_.size(); }

  void evaluate(const IntervalPartial& merged, const Interval& at, Reporter& out) override {
    merged.logins.for_each([&](const ConnectionKey& key, const LoginAttempts& v) {
      if (!params(key).enabled) return;
      if (State* s = tracked_.touch(key, at.index)) {
        s->client_ports.add(v.client_ports, at.index);
        s->sessions += v.sessions;
        s->established += v.established;
        s->failed += v.failed;
        s->span.merge(v.span);
      }
    });
    tracked_.sweep(at.index - longest_window(config_.brute_force, at), [&](const ConnectionKey& key, State& s, int64_t) {
      const BruteForceParams& p = params(key);
      const uint32_t sessions = clamp_estimate(s.client_ports.count(at.index, at.count_of(p.window_s)), s.sessions);
      if (!p.enabled || sessions < p.sessions) return;
      Alert a = alert_draft(name(), key.perspective, key.client, key.server, key.port, s.span, sessions, p.sessions,
                            score_of_ratio(sessions, p.sessions));
      a.summary = summary_line("%s opened %llu sessions from %u client ports to %s port %u (%llu established, %llu failed) (%s)",
                               text(key.client).c_str(), static_cast<unsigned long long>(s.sessions), sessions,
                               text(key.server).c_str(), key.port,
                               static_cast<unsigned long long>(s.established),
                               static_cast<unsigned long long>(s.failed), text(key.perspective).c_str());
      a.evidence = Evidence()
                       .add("sessions", uint64_t{sessions})
                       .add("established", s.established)
                       .add("failed", s.failed)
                       .add("threshold", uint64_t{p.sessions})
                       .add("window_s", uint64_t{p.window_s})
                       .finish();
      out.raise(std::move(a));
    });
  }

 private:
  struct State {
    SlidingDistinct client_ports;
    uint64_t sessions = 0, established = 0, failed = 0;
    TimeSpan span;
  };
  const BruteForceParams& params(const ConnectionKey& k) const {
    return config_.brute_force[static_cast<size_t>(k.perspective)];
  }

  const DetectConfig& config_;
  Tracked<ConnectionKey, State, ConnectionKey::Hash> tracked_;
};

}  // namespace

std::unique_ptr<Detector> make_brute_force(const DetectConfig& c) { return std::make_unique<BruteForce>(c); }

}  // namespace synwatch::detect
