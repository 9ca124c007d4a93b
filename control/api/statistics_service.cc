#include "control/api/statistics_service.h"

#include <chrono>
#include <map>

#include "control/api/proto_convert.h"
#include "dataplane/pipeline/worker.h"
#include "dataplane/replay/session_writer.h"

namespace synwatch::control {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void add_counter(google::protobuf::RepeatedPtrField<v1::Counter>& out, std::string_view layer,
                 std::string_view name, wire::CounterKind kind, uint64_t value) {
  v1::Counter* c = out.Add();
  c->set_layer(std::string(layer));
  c->set_name(std::string(name));
  c->set_kind(to_proto(kind));
  c->set_value(value);
}

void add_sessions(const replay::SessionTally& tally, v1::GetStatisticsResponse& out) {
  out.set_sessions_decided(tally.total());
  for (size_t p = 0; p < session::kPerspectiveCount; ++p) {
    const auto perspective = static_cast<session::Perspective>(p);
    out.set_sessions_failed(out.sessions_failed() + tally.failed(perspective));
    out.set_sessions_established(out.sessions_established() + tally.established(perspective));
    for (size_t s = 0; s < session::kConnStateCount; ++s) {
      const auto state = static_cast<session::ConnState>(s);
      const uint64_t n = tally.count(state, perspective);
      if (n == 0) continue;
      v1::SessionCount* c = out.add_sessions();
      c->set_state(std::string(session::state_name(state)));
      c->set_perspective(to_proto(perspective));
      c->set_sessions(n);
    }
  }
}

}  // namespace

grpc::Status StatisticsService::GetStatistics(grpc::ServerContext*, const v1::GetStatisticsRequest* request,
                                              v1::GetStatisticsResponse* response) {
  response->set_version(sources_.status.version());
  response->set_input(sources_.status.input());
  response->set_started_ms(sources_.status.started_ms());
  response->set_now_ms(now_ms());

  struct Total {
    wire::CounterKind kind;
    uint64_t value = 0;
  };
  // Keyed by (layer, name) in pipeline order: the first worker fixes the order.
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, Total> totals;
  const pipeline::Pipeline& pipeline = sources_.pipeline;
  for (uint32_t i = 0; i < pipeline.size(); ++i) {
    const pipeline::WorkerStats s = pipeline.worker(i).stats().read();
    v1::WorkerStatistics* w = response->add_workers();
    w->set_worker(i);
    w->set_datagrams(s.datagrams);
    w->set_records(s.records);
    w->set_exporters(s.exporters);
    w->set_sessions_live(s.sessions_live);
    w->set_sessions_capacity(s.sessions_capacity);
    pipeline::for_each_counter(s, [&](std::string_view layer, std::string_view name, wire::CounterKind kind,
                                      uint64_t value) {
      if (value != 0 || request->include_zero()) add_counter(*w->mutable_counters(), layer, name, kind, value);
      const auto key = std::make_pair(std::string(layer), std::string(name));
      auto [it, added] = totals.try_emplace(key, Total{kind});
      if (added) order.push_back(key);
      it->second.value += value;
    });
  }
  for (const auto& key : order) {
    const Total& t = totals[key];
    if (t.value != 0 || request->include_zero())
      add_counter(*response->mutable_totals(), key.first, key.second, t.kind, t.value);
  }
  for (const wire::PortStats& p : pipeline.port_stats()) {
    v1::PortStatistics* o = response->add_ports();
    o->set_port(p.port);
    o->set_name(p.name);
    o->set_driver(p.driver);
    o->set_socket(p.socket);
    o->set_packets(p.packets);
    o->set_bytes(p.bytes);
    o->set_missed(p.missed);
    o->set_no_mbuf(p.no_mbuf);
    o->set_errors(p.errors);
    for (const wire::QueueStats& q : p.queues) {
      v1::QueueStatistics* qo = o->add_queues();
      qo->set_queue(q.queue);
      qo->set_worker(q.worker);
      qo->set_packets(q.packets);
      qo->set_bytes(q.bytes);
      qo->set_errors(q.errors);
    }
  }
  add_sessions(sources_.sessions.published_tally(), *response);
  response->set_alerts_retained(sources_.alerts.retained());
  response->set_alert_subscribers(sources_.alerts.subscribers());
  return grpc::Status::OK;
}

grpc::Status ExporterService::ListExporters(grpc::ServerContext*, const v1::ListExportersRequest*,
                                            v1::ListExportersResponse* response) {
  const pipeline::Pipeline& pipeline = sources_.pipeline;
  uint32_t not_listed = 0;
  for (uint32_t i = 0; i < pipeline.size(); ++i) {
    const pipeline::WorkerStats s = pipeline.worker(i).stats().read();
    for (uint32_t e = 0; e < s.exporter_list.size; ++e) to_proto(s.exporter_list.entries[e], i, *response->add_exporters());
    not_listed += s.exporter_list.not_listed;
  }
  // Busiest first, then by address: a stable order for people and scripts.
  std::sort(response->mutable_exporters()->begin(), response->mutable_exporters()->end(),
            [](const v1::Exporter& a, const v1::Exporter& b) {
              return a.packets() != b.packets() ? a.packets() > b.packets() : a.address() < b.address();
            });
  response->set_not_listed(not_listed);
  return grpc::Status::OK;
}

}  // namespace synwatch::control
