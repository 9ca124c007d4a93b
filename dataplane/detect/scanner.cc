// scanner: Threshold Random Walk over first contacts (Jung, Paxson, Berger, Balakrishnan,
// "Fast Portscan Detection Using Sequential Hypothesis Testing", 2004).
//
// A first contact is a source's first session to a service (target, port). It succeeds
// (established) with probability theta0 for a benign source, theta1 for a scanner. Each
// outcome adds log(theta1/theta0) (success) or log((1-theta1)/(1-theta0)) (failure) to
// the source's log-likelihood ratio; at log(beta/alpha) it is a scanner, at
// log((1-beta)/(1-alpha)) benign and the walk starts over. Defaults: alarm at four more
// failures than successes.
//
// Shards count outcomes (integers: the sums are exact in any order) and keep each
// source's earliest contacts, so the walk is replayed contact by contact where it
// crosses, and the alert tells after how many first contacts it did.
#include <cmath>

#include "dataplane/detect/detector.h"
#include "dataplane/detect/evidence.h"
#include "dataplane/detect/scoring.h"

namespace synwatch::detect {
namespace {

class Scanner : public Detector {
 public:
  explicit Scanner(const DetectConfig& c) : config_(c), tracked_(c.tracked_keys) {}
  std::string_view name() const override { return "scanner"; }
  uint64_t keys_evicted() const override { return tracked_.evicted(); }
  uint32_t tracked_keys() const override { return tracked_.size(); }

  void evaluate(const IntervalPartial& merged, const Interval& at, Reporter& out) override {
    merged.contacts.for_each([&](const HostKey& key, const FirstContacts& v) {
      const ScannerParams& p = params(key);
      if (!p.enabled) return;
      if (State* s = tracked_.touch(key, at.index)) walk(p, v, *s);
    });
    int64_t forget = 1;
    for (const auto& p : config_.scanner) forget = std::max(forget, at.count_of(p.idle_s));
    tracked_.sweep(at.index - forget, [&](const HostKey& key, State& s, int64_t last) {
      const ScannerParams& p = params(key);
      if (!p.enabled || s.alarm_contacts == 0 || last <= at.index - at.count_of(p.quiet_s)) return;
      if (double(s.retries) > p.max_retries * double(std::max<uint64_t>(s.failures, 1))) return;
      const double llr = log_ratio(p, s);
      Alert a = alert_draft(name(), key.perspective, key.host, {}, 0, s.span, s.failures, 0,
                            score_of_probability(std::exp(-llr)));
      a.summary = summary_line("%s is scanning: %llu of its %llu first contacts failed; alarm after %llu (%s)",
                               text(key.host).c_str(), static_cast<unsigned long long>(s.failures),
                               static_cast<unsigned long long>(s.failures + s.successes),
                               static_cast<unsigned long long>(s.alarm_contacts), text(key.perspective).c_str());
      a.evidence = Evidence()
                       .add("first_contacts", s.failures + s.successes)
                       .add("failures", s.failures)
                       .add("successes", s.successes)
                       .add("retries", s.retries)
                       .add("contacts_to_alarm", s.alarm_contacts)
                       .add("alarm_ms", static_cast<uint64_t>(s.alarm_ms))
                       .add("first_target", s.first_target)
                       .add("first_port", uint64_t{s.first_port})
                       .add("log_likelihood_ratio", std::round(llr * 1000) / 1000)
                       .finish();
      out.raise(std::move(a));
    });
  }

 private:
  struct State {
    uint64_t failures = 0, successes = 0;  // since the walk last started over
    uint64_t contacts = 0;                 // in all, for the alarm's position
    uint64_t retries = 0;                  // failed probes of services already contacted
    uint64_t alarm_contacts = 0;           // 0: no alarm yet
    int64_t alarm_ms = 0;
    wire::IpAddress first_target;
    uint16_t first_port = 0;
    TimeSpan span;
  };
  static double success_step(const ScannerParams& p) { return std::log(p.theta1 / p.theta0); }
  static double fail_step(const ScannerParams& p) { return std::log((1 - p.theta1) / (1 - p.theta0)); }
  static double log_ratio(const ScannerParams& p, const State& s) {
    return double(s.failures) * fail_step(p) + double(s.successes) * success_step(p);
  }

  void walk(const ScannerParams& p, const FirstContacts& v, State& s) const {
    const double upper = std::log(p.beta / p.alpha), lower = std::log((1 - p.beta) / (1 - p.alpha));
    // After each step: alarm at the upper bound (once), start over at the lower one.
    auto decide = [&](int64_t ms) {
      if (s.alarm_contacts != 0) return;
      const double llr = log_ratio(p, s);
      if (llr >= upper) {
        s.alarm_contacts = s.contacts;
        s.alarm_ms = ms;
      } else if (llr <= lower) {
        s.failures = s.successes = s.retries = 0;
      }
    };
    // Contact by contact while the earliest ones are known; the rest of the interval as a sum.
    uint64_t left_f = v.failures, left_s = v.successes;
    for (uint32_t i = 0; i < v.kept; ++i) {
      const FirstContacts::Contact& c = v.earliest[i];
      if (s.failures + s.successes == 0) {
        s.span = {};
        s.first_target = c.target;
        s.first_port = c.port;
      }
      (c.failed ? s.failures : s.successes) += 1;
      (c.failed ? left_f : left_s) -= 1;
      ++s.contacts;
      s.span.add(c.ms, c.ms);
      decide(c.ms);
    }
    s.retries += v.retries;
    s.failures += left_f;
    s.successes += left_s;
    s.contacts += left_f + left_s;
    s.span.merge(v.span);
    decide(v.span.last_ms);
  }
  const ScannerParams& params(const HostKey& k) const { return config_.scanner[static_cast<size_t>(k.perspective)]; }

  const DetectConfig& config_;
  Tracked<HostKey, State, HostKey::Hash> tracked_;
};

}  // namespace

std::unique_ptr<Detector> make_scanner(const DetectConfig& c) { return std::make_unique<Scanner>(c); }

}  // namespace synwatch::detect
