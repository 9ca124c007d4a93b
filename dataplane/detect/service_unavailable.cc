// service_unavailable: a service whose connection attempts all fail, refused (REJ) or
// ignored (S0), in the spirit of ElastiFlow's failed-session view but without history:
// it fires on the first window. Per (server, port): at least min_failed failed attempts
// and none established, the failures no further apart than window_s. Any established
// session resolves it; so does window_s without attempts. A service under syn_flood is
// left to that alert.
#include "dataplane/detect/detector.h"
#include "dataplane/detect/evidence.h"
#include "dataplane/detect/scoring.h"

namespace synwatch::detect {
namespace {

class ServiceUnavailable : public Detector {
 public:
  explicit ServiceUnavailable(const DetectConfig& c) : config_(c), tracked_(c.tracked_keys) {}
  std::string_view name() const override { return "service_unavailable"; }
  uint64_t keys_evicted() const override { return tracked_.evicted(); }
  uint32_t tracked_keys() const override { return tracked_.size(); }

  void evaluate(const IntervalPartial& merged, const Interval& at, Reporter& out) override {
    merged.services.for_each([&](const HostPortKey& key, const ServiceStats& v) {
      const ServiceUnavailableParams& p = params(key);
      if (!p.enabled || v.attempts == 0) return;
      State* s = tracked_.touch(key, at.index);
      if (s == nullptr) return;
      if (v.established > 0 || (s->failed > 0 && v.span.first_ms - s->span.last_ms > int64_t{p.window_s} * 1000)) *s = {};
      if (v.established > 0) return;
      s->failed += v.failed;
      s->rejected += v.rejected;
      s->unanswered += v.unanswered;
      s->clients.merge(v.failed_clients);
      s->sample.merge(v.client_sample);
      s->span.merge(v.span);
    });
    tracked_.sweep(at.index - longest_window(config_.service_unavailable, at), [&](const HostPortKey& key, State& s,
                                                                                   int64_t last) {
      const ServiceUnavailableParams& p = params(key);
      if (!p.enabled || s.failed < p.min_failed || last <= at.index - at.count_of(p.window_s)) return;
      if (out.book().is_open("syn_flood", {}, key.host, key.port, key.perspective)) return;
      const char* outcome = s.unanswered == 0 ? "refused" : s.rejected == 0 ? "unanswered" : "refused or unanswered";
      Alert a = alert_draft(name(), key.perspective, {}, key.host, key.port, s.span, s.failed, 0,
                            score_of_ratio(double(s.failed), p.min_failed));
      a.summary = summary_line("%s port %u: all %llu connection attempts from %u client%s %s (%s)",
                               text(key.host).c_str(), key.port, static_cast<unsigned long long>(s.failed),
                               s.clients.count(), s.clients.count() == 1 ? "" : "s", outcome, text(key.perspective).c_str());
      a.evidence = Evidence()
                       .add("failed", s.failed)
                       .add("established", uint64_t{0})
                       .add("rejected", s.rejected)
                       .add("unanswered", s.unanswered)
                       .add("outcome", std::string_view(outcome))
                       .add("distinct_clients", uint64_t{s.clients.count()})
                       .add("clients", s.sample)
                       .add("threshold", uint64_t{p.min_failed})
                       .add("window_s", uint64_t{p.window_s})
                       .finish();
      out.raise(std::move(a));
    });
  }

 private:
  struct State {
    uint64_t failed = 0, rejected = 0, unanswered = 0;
    DistinctSet clients;
    AddressSample sample;
    TimeSpan span;
  };
  const ServiceUnavailableParams& params(const HostPortKey& k) const {
    return config_.service_unavailable[static_cast<size_t>(k.perspective)];
  }

  const DetectConfig& config_;
  Tracked<HostPortKey, State, HostPortKey::Hash> tracked_;
};

}  // namespace

std::unique_ptr<Detector> make_service_unavailable(const DetectConfig& c) {
  return std::make_unique<ServiceUnavailable>(c);
}

}  // namespace synwatch::detect
