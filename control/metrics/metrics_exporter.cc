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

// `base` then `more`: a series' labels, the common ones first.
std::vector<ClientMetric::Label> labels(const std::vector<ClientMetric::Label>& base,
                                        std::vector<ClientMetric::Label> more) {
  more.insert(more.begin(), base.begin(), base.end());
  return more;
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
    MetricFamily interfaces{"synwatch_interfaces",
                            "Interfaces exporters named in options data, by the role interface rules "
                            "give them (unknown: no interface rules in force).",
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

    // On the heap, read once per scrape: see StatsSlot::read_into.
    std::vector<pipeline::WorkerStats> stats(pipeline_.size());
    for (uint32_t i = 0; i < pipeline_.size(); ++i) pipeline_.worker(i).stats().read_into(stats[i]);
    for (uint32_t i = 0; i < pipeline_.size(); ++i) {
      const pipeline::WorkerStats& s = stats[i];
      const std::string worker = std::to_string(i);
      auto counter = [&](MetricFamily& f, double v, std::vector<ClientMetric::Label> more = {}) {
        add_sample(f, v, labels({{"worker", worker}}, std::move(more)));
      };
      counter(datagrams, double(s.datagrams));
      counter(records, double(s.records));
      counter(exporters, s.exporters);
      counter(live, s.sessions_live);
      counter(capacity, s.sessions_capacity);
      for (size_t role = 0; role < s.interfaces.size(); ++role)
        counter(interfaces, s.interfaces[role],
                {{"role", std::string(decode::role_name(static_cast<decode::InterfaceRole>(role)))}});
      pipeline::for_each_counter(s, [&](std::string_view layer, std::string_view name, wire::CounterKind kind,
                                        uint64_t value) {
        MetricFamily& f = kind == wire::CounterKind::kDrop ? drops : kind == wire::CounterKind::kLoss ? lost : events;
        counter(f, double(value),
                {{"layer", std::string(layer)}, {kind == wire::CounterKind::kEvent ? "event" : "reason", std::string(name)}});
      });
    }
    std::vector<MetricFamily> out{datagrams, records, exporters, live, capacity, interfaces, drops, lost, events};
    add_exporters(stats, out);
    add_ports(out);
    add_sessions(out);
    add_signatures(out);
    if (alerts_ != nullptr) add_alerts(out);
    if (sinks_ != nullptr) add_sinks(out);
    return out;
  }

 private:
  // Per exporter, from the list each worker publishes: at most kPublishedExporters (64)
  // per worker, the busiest, so the label set stays bounded whatever sends to us.
  void add_exporters(const std::vector<pipeline::WorkerStats>& stats, std::vector<MetricFamily>& out) const {
    MetricFamily datagrams{"synwatch_exporter_datagrams_total", "Export datagrams decoded, per exporter.",
                           MetricType::Counter, {}};
    MetricFamily records{"synwatch_exporter_records_total", "Flow records decoded, per exporter.",
                         MetricType::Counter, {}};
    MetricFamily drops{"synwatch_exporter_drops_total",
                       "Input of an exporter discarded, by decode reason (docs/counters.md); a reason appears "
                       "once it first counts.",
                       MetricType::Counter, {}};
    MetricFamily lost{"synwatch_exporter_lost_total",
                      "Data an exporter sent that never arrived, by reason (from its sequence numbers); a "
                      "reason appears once it first counts.",
                      MetricType::Counter, {}};
    MetricFamily templates{"synwatch_exporter_templates", "Templates known for an exporter (NetFlow v9, IPFIX).",
                           MetricType::Gauge, {}};
    MetricFamily sampling{"synwatch_exporter_sampling_rate",
                          "The sampling rate applied to an exporter's observation domain: the configured "
                          "override, else what the exporter announced, else 1.",
                          MetricType::Gauge, {}};
    MetricFamily last_seen{"synwatch_exporter_last_seen_timestamp_seconds",
                           "When an exporter's last datagram arrived, seconds since the epoch.", MetricType::Gauge,
                           {}};
    MetricFamily not_listed{"synwatch_exporters_not_listed",
                            "Exporters a worker decodes beyond the 64 busiest it reports one by one.",
                            MetricType::Gauge, {}};
    for (uint32_t i = 0; i < stats.size(); ++i) {
      const pipeline::WorkerStats& s = stats[i];
      const std::string worker = std::to_string(i);
      add_sample(not_listed, s.exporter_list.not_listed, {{"worker", worker}});
      for (uint32_t e = 0; e < s.exporter_list.size; ++e) {
        const pipeline::ExporterSummary& x = s.exporter_list.entries[e];
        const std::vector<ClientMetric::Label> who{{"worker", worker}, {"exporter", x.address.to_string()}};
        add_sample(datagrams, double(x.packets), who);
        add_sample(records, double(x.records), who);
        add_sample(templates, x.templates, who);
        add_sample(last_seen, double(x.last_seen_ms) / 1000.0, who);
        for (size_t c = 0; c < decode::kDecodeCounterCount; ++c) {
          const uint64_t value = x.counters.values[c];
          const wire::CounterKind kind = decode::kDecodeCounterKinds[c];
          if (value == 0 || kind == wire::CounterKind::kEvent) continue;
          add_sample(kind == wire::CounterKind::kDrop ? drops : lost, double(value),
                     labels(who, {{"reason", std::string(decode::kDecodeCounterNames[c])}}));
        }
        for (uint32_t d = 0; d < x.domain_count; ++d) {
          const pipeline::DomainSummary& domain = x.domains[d];
          const uint32_t rate = x.static_sampling    ? x.static_sampling
                                : domain.sampling_rate ? domain.sampling_rate
                                                       : 1;
          add_sample(sampling, rate,
                     labels(who, {{"version", std::string(decode::version_name(domain.version))},
                                  {"domain", std::to_string(domain.domain)}}));
        }
      }
    }
    for (MetricFamily* f : {&datagrams, &records, &drops, &lost, &templates, &sampling, &last_seen, &not_listed})
      out.push_back(std::move(*f));
  }

  // The NIC's own counters per DPDK port and queue (none on kernel sockets: the
  // families are there, empty).
  void add_ports(std::vector<MetricFamily>& out) const {
    MetricFamily packets{"synwatch_port_received_packets_total", "Frames a DPDK port received, as the NIC counts them.",
                         MetricType::Counter, {}};
    MetricFamily bytes{"synwatch_port_received_bytes_total", "Bytes a DPDK port received.", MetricType::Counter, {}};
    MetricFamily dropped{"synwatch_port_dropped_total",
                         "Frames a DPDK port dropped before any worker saw them: missed (no free RX "
                         "descriptor: the workers fell behind), no_mbuf (no buffer), errors (bad frames).",
                         MetricType::Counter, {}};
    MetricFamily queue_packets{"synwatch_port_queue_received_packets_total",
                               "Frames an RX queue received, with the worker polling it (0 where the driver "
                               "keeps no per-queue counters).",
                               MetricType::Counter, {}};
    for (const wire::PortStats& p : pipeline_.port_stats()) {
      const std::vector<ClientMetric::Label> port{{"port", std::to_string(p.port)}, {"device", p.name}};
      add_sample(packets, double(p.packets), port);
      add_sample(bytes, double(p.bytes), port);
      add_sample(dropped, double(p.missed), labels(port, {{"reason", "missed"}}));
      add_sample(dropped, double(p.no_mbuf), labels(port, {{"reason", "no_mbuf"}}));
      add_sample(dropped, double(p.errors), labels(port, {{"reason", "errors"}}));
      for (const wire::QueueStats& q : p.queues)
        add_sample(queue_packets, double(q.packets),
                   labels(port, {{"queue", std::to_string(q.queue)}, {"worker", std::to_string(q.worker)}}));
    }
    for (MetricFamily* f : {&packets, &bytes, &dropped, &queue_packets}) out.push_back(std::move(*f));
  }

  // Per rule in force: as many series as rules (signatures.rules is bounded).
  void add_signatures(std::vector<MetricFamily>& out) const {
    const auto rules = pipeline_.signature_matches().rules();
    if (rules.empty()) return;
    MetricFamily matches{"synwatch_signature_matches_total",
                         "Records whose payload or string field a signature rule matched, per rule "
                         "(every rule that matched, not only the one whose label the record took).",
                         MetricType::Counter, {}};
    for (const auto& r : rules) add_sample(matches, double(r.matches), {{"rule", r.id}, {"label", r.label}});
    out.push_back(std::move(matches));
  }

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
    single("synwatch_alert_subscribers_evicted_total",
           "Alert subscribers cancelled for reading nothing for api.subscriber_stall_s.", MetricType::Counter,
           double(alerts_->subscribers_evicted()));
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
      auto add = [&](MetricFamily& f, double v, std::vector<ClientMetric::Label> more = {}) {
        add_sample(f, v, labels({{"sink", outbox->name()}}, std::move(more)));
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
