#include "control/metrics/metrics_exporter.h"

#include "control/metrics/metrics_config.h"

#include <prometheus/collectable.h>
#include <prometheus/exposer.h>
#include <prometheus/metric_family.h>

#include <exception>
#include <string_view>
#include <vector>

#include "dataplane/pipeline/worker.h"
#include "control/alerts/alert_store.h"
#include "control/sinks/alert_sinks.h"
#include "dataplane/replay/session_writer.h"

namespace synwatch::control {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

namespace {

// One sample of `family`: a gauge or a counter as the family is.
void add_sample(MetricFamily& family, double value, std::vector<ClientMetric::Label> labels) {
  ClientMetric m;
  m.label = std::move(labels);
  if (family.type == MetricType::Gauge) m.gauge.value = value;
  else m.counter.value = value;
  family.metric.push_back(std::move(m));
}

}  // namespace

// Reads the workers' published stats at each scrape.
class PipelineCollector : public prometheus::Collectable {
 public:
  PipelineCollector(const pipeline::Pipeline& pipeline, const replay::SessionWriter& sessions,
                    const AlertStore* alerts, const sinks::AlertSinks* sinks)
      : pipeline_(pipeline), sessions_(sessions), alerts_(alerts), sinks_(sinks) {}

  std::vector<MetricFamily> Collect() const override {
    MetricFamily datagrams{"synwatch_datagrams_total", "Export datagrams decoded.", MetricType::Counter, {}};
    MetricFamily records{"synwatch_records_total", "Flow records decoded.", MetricType::Counter, {}};
    MetricFamily exporters{"synwatch_exporters", "Exporters whose datagrams this worker decodes.",
                           MetricType::Gauge, {}};
    MetricFamily live{"synwatch_session_table_entries", "Sessions in the worker's table, not yet decided.",
                      MetricType::Gauge, {}};
    MetricFamily capacity{"synwatch_session_table_capacity", "Sessions the worker's table can hold.",
                          MetricType::Gauge, {}};
    MetricFamily drops{"synwatch_drops_total",
                       "Input discarded, by layer and reason (docs/counters.md): a datagram, record, "
                       "session or table update that was counted and not used.",
                       MetricType::Counter, {}};
    MetricFamily lost{"synwatch_lost_total",
                      "Data the exporters sent that never arrived, by layer and reason "
                      "(from export sequence numbers).",
                      MetricType::Counter, {}};
    MetricFamily events{"synwatch_events_total",
                        "Events worth counting that lose nothing, by layer and event (docs/counters.md).",
                        MetricType::Counter, {}};

    for (uint32_t i = 0; i < pipeline_.size(); ++i) {
      const pipeline::WorkerStats s = pipeline_.worker(i).stats().read();
      const std::string worker = std::to_string(i);
      auto counter = [&](MetricFamily& f, double v, std::vector<ClientMetric::Label> labels = {}) {
        labels.insert(labels.begin(), {"worker", worker});
        add_sample(f, v, std::move(labels));
      };
      counter(datagrams, double(s.datagrams));
      counter(records, double(s.records));
      counter(exporters, s.exporters);
      counter(live, s.sessions_live);
      counter(capacity, s.sessions_capacity);
      pipeline::for_each_counter(s, [&](std::string_view layer, std::string_view name, wire::CounterKind kind,
                                        uint64_t value) {
        MetricFamily& f = kind == wire::CounterKind::kDrop ? drops : kind == wire::CounterKind::kLoss ? lost : events;
        counter(f, double(value),
                {{"layer", std::string(layer)}, {kind == wire::CounterKind::kEvent ? "event" : "reason", std::string(name)}});
      });
    }
    std::vector<MetricFamily> out{datagrams, records, exporters, live, capacity, drops, lost, events};
    add_sessions(out);
    if (alerts_ != nullptr) add_alerts(out);
    if (sinks_ != nullptr) add_sinks(out);
    return out;
  }

 private:
  void add_sessions(std::vector<MetricFamily>& out) const {
    using session::ConnState;
    using session::Perspective;
    const replay::SessionTally tally = sessions_.published_tally();
    MetricFamily by_state{"synwatch_sessions_total",
                          "Decided TCP sessions, by Zeek connection state and perspective.", MetricType::Counter, {}};
    MetricFamily failed{"synwatch_failed_sessions_total",
                        "Decided TCP sessions that failed (unanswered, rejected, reset before established), "
                        "by perspective.",
                        MetricType::Counter, {}};
    MetricFamily established{"synwatch_established_sessions_total",
                             "Decided TCP sessions that were established, by perspective.", MetricType::Counter, {}};
    for (size_t p = 0; p < session::kPerspectiveCount; ++p) {
      const auto perspective = static_cast<Perspective>(p);
      const std::string name(session::perspective_name(perspective));
      for (size_t s = 0; s < session::kConnStateCount; ++s) {
        const auto state = static_cast<ConnState>(s);
        ClientMetric m;
        m.label = {{"state", std::string(session::state_name(state))}, {"perspective", name}};
        m.counter.value = double(tally.count(state, perspective));
        by_state.metric.push_back(std::move(m));
      }
      ClientMetric f, e;
      f.label = e.label = {{"perspective", name}};
      f.counter.value = double(tally.failed(perspective));
      e.counter.value = double(tally.established(perspective));
      failed.metric.push_back(std::move(f));
      established.metric.push_back(std::move(e));
    }
    out.push_back(std::move(by_state));
    out.push_back(std::move(failed));
    out.push_back(std::move(established));
  }

  void add_alerts(std::vector<MetricFamily>& out) const {
    MetricFamily events{"synwatch_alerts_total",
                        "Alert events sent (opened, updated, resolved), by detector, severity and status.",
                        MetricType::Counter, {}};
    for (const auto& [detector, by_severity] : alerts_->tally())
      for (size_t sev = 0; sev < by_severity.size(); ++sev)
        for (size_t st = 0; st < by_severity[sev].size(); ++st) {
          ClientMetric m;
          m.label = {{"detector", detector},
                     {"severity", std::string(detect::severity_name(static_cast<detect::Severity>(sev)))},
                     {"status", std::string(detect::status_name(static_cast<detect::AlertStatus>(st)))}};
          m.counter.value = double(by_severity[sev][st]);
          events.metric.push_back(std::move(m));
        }
    auto single = [&](const char* name, const char* help, MetricType type, double value) {
      MetricFamily f{name, help, type, {}};
      add_sample(f, value, {});
      out.push_back(std::move(f));
    };
    out.push_back(std::move(events));
    single("synwatch_alert_history_events", "Alert events the API's history holds (api.alert_history bounds it).",
           MetricType::Gauge, double(alerts_->retained()));
    single("synwatch_alert_subscribers", "gRPC clients subscribed to the alert stream.", MetricType::Gauge,
           double(alerts_->subscribers()));
    single("synwatch_alert_subscriber_missed_total",
           "Alert events subscribers never received: they fell behind by more than the history holds.",
           MetricType::Counter, double(alerts_->subscriber_missed()));
  }

  void add_sinks(std::vector<MetricFamily>& out) const {
    MetricFamily delivered{"synwatch_alert_sink_delivered_total",
                           "Alert events a sink (the alerts file, syslog) delivered.", MetricType::Counter, {}};
    MetricFamily dropped{"synwatch_alert_sink_dropped_total",
                         "Alert events a sink did not deliver: its queue was full (it fell behind) or the "
                         "delivery failed (a write error, the syslog collector away).",
                         MetricType::Counter, {}};
    MetricFamily queued{"synwatch_alert_sink_queue_events", "Alert events waiting in a sink's queue.",
                        MetricType::Gauge, {}};
    MetricFamily capacity{"synwatch_alert_sink_queue_capacity",
                          "Alert events a sink's queue can hold (output.alert_queue).", MetricType::Gauge, {}};
    for (const auto& outbox : sinks_->outboxes()) {
      const sinks::OutboxCounts c = outbox->counts();
      auto add = [&](MetricFamily& f, double v, std::vector<ClientMetric::Label> labels = {}) {
        labels.insert(labels.begin(), {"sink", outbox->name()});
        add_sample(f, v, std::move(labels));
      };
      add(delivered, double(c.delivered));
      add(dropped, double(c.dropped_queue_full), {{"reason", "queue_full"}});
      add(dropped, double(c.failed), {{"reason", "delivery_failed"}});
      add(queued, c.queued);
      add(capacity, outbox->capacity());
    }
    if (sinks_->outboxes().empty()) return;
    for (MetricFamily* f : {&delivered, &dropped, &queued, &capacity}) out.push_back(std::move(*f));
  }

  const pipeline::Pipeline& pipeline_;
  const replay::SessionWriter& sessions_;
  const AlertStore* alerts_;
  const sinks::AlertSinks* sinks_;
};


std::unique_ptr<MetricsExporter> MetricsExporter::start(const std::string& listen, const pipeline::Pipeline& pipeline,
                                                        const replay::SessionWriter& sessions,
                                                        const AlertStore* alerts, const sinks::AlertSinks* sinks,
                                                        std::string& error) {
  std::unique_ptr<MetricsExporter> m(new MetricsExporter());
  try {
    m->exposer_ = std::make_unique<prometheus::Exposer>(listen, 1);
  } catch (const std::exception& e) {
    const std::string why = bind_problem(listen);
    error = "metrics.listen: cannot listen on " + listen + ": " + (why.empty() ? e.what() : why);
    return nullptr;
  }
  m->host_ = listen.substr(0, listen.rfind(':'));
  m->collector_ = std::make_shared<PipelineCollector>(pipeline, sessions, alerts, sinks);
  m->exposer_->RegisterCollectable(m->collector_);
  return m;
}

MetricsExporter::~MetricsExporter() {
  if (exposer_) exposer_->RemoveCollectable(collector_);
}

std::string MetricsExporter::address() const {
  const std::vector<int> ports = exposer_->GetListeningPorts();
  return host_ + ":" + (ports.empty() ? std::string("?") : std::to_string(ports.front()));
}

}  // namespace synwatch::control
