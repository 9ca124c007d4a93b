#include "control/ctl/ctl_commands.h"

#include <algorithm>
#include <cinttypes>

#include "control/ctl/ctl_call.h"
#include "control/ctl/ctl_query_commands.h"
#include "control/ctl/text_table.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "synwatch/v1/alerts.grpc.pb.h"
#include "synwatch/v1/configuration.grpc.pb.h"
#include "synwatch/v1/statistics.grpc.pb.h"

namespace synwatch::ctl {
namespace {

int status(const Call& c) {
  v1::GetStatisticsResponse r;
  if (!unary<v1::Statistics>(c, &v1::Statistics::Stub::GetStatistics, {}, r)) return 1;
  if (c.options.json) return c.json(r), 0;
  std::fprintf(c.out, "synwatchd %s, up %s, receiving on %s\n", r.version().c_str(),
               duration_text(r.now_ms() - r.started_ms()).c_str(), r.input().c_str());
  std::fprintf(c.out, "sessions: %" PRIu64 " decided, %" PRIu64 " failed, %" PRIu64 " established\n",
               r.sessions_decided(), r.sessions_failed(), r.sessions_established());
  std::fprintf(c.out, "alerts: %" PRIu64 " events in the history, %" PRIu64 " subscriber%s\n\n", r.alerts_retained(),
               r.alert_subscribers(), r.alert_subscribers() == 1 ? "" : "s");
  TextTable t({">worker", ">datagrams", ">records", ">exporters", ">live sessions", ">capacity", ">dropped", ">lost"});
  for (const auto& w : r.workers()) {
    uint64_t dropped = 0, lost = 0;
    for (const auto& k : w.counters()) {
      if (k.kind() == v1::COUNTER_KIND_DROP) dropped += k.value();
      if (k.kind() == v1::COUNTER_KIND_LOSS) lost += k.value();
    }
    t.row({n(w.worker()), n(w.datagrams()), n(w.records()), n(w.exporters()), n(w.sessions_live()),
           n(w.sessions_capacity()), n(dropped), n(lost)});
  }
  t.print(c.out);
  if (r.ports().empty()) return 0;
  TextTable ports({">port", "device", "driver", "queue (worker)", ">packets", ">missed", ">no mbuf", ">errors"});
  for (const auto& p : r.ports()) {
    std::string queues;
    for (const auto& q : p.queues()) queues += (queues.empty() ? "" : ", ") + n(q.queue()) + " (" + n(q.worker()) + ")";
    ports.row({n(p.port()), p.name(), p.driver(), queues, n(p.packets()), n(p.missed()), n(p.no_mbuf()),
               n(p.errors())});
  }
  std::fputc('\n', c.out);
  ports.print(c.out);
  return 0;
}

int stats(const Call& c) {
  v1::GetStatisticsRequest request;
  request.set_include_zero(c.options.all);
  v1::GetStatisticsResponse r;
  if (!unary<v1::Statistics>(c, &v1::Statistics::Stub::GetStatistics, request, r)) return 1;
  if (c.options.json) return c.json(r), 0;
  TextTable t({"layer", "counter", "kind", ">value"});
  for (const auto& k : r.totals()) t.row({k.layer(), k.name(), text_of(k.kind()), n(k.value())});
  t.print(c.out);
  return 0;
}

int exporters(const Call& c) {
  v1::ListExportersResponse r;
  if (!unary<v1::Exporters>(c, &v1::Exporters::Stub::ListExporters, {}, r)) return 1;
  if (c.options.json) return c.json(r), 0;
  TextTable t({"exporter", "versions", ">worker", ">packets", ">records", ">dropped", ">lost", ">templates",
               ">awaiting", "sampling", "last seen"});
  for (const auto& e : r.exporters()) {
    std::string versions, sampling;
    for (const auto& d : e.domains()) {
      const std::string v = d.version() + "/" + n(d.domain());
      versions += (versions.empty() ? "" : ",") + v;
      if (d.sampling_rate() != 0) sampling += (sampling.empty() ? "1:" : ",1:") + n(d.sampling_rate());
    }
    if (e.configured_sampling_rate() != 0) sampling = "1:" + n(e.configured_sampling_rate()) + " (configured)";
    t.row({e.address(), versions, n(e.worker()), n(e.packets()), n(e.records()), n(e.dropped()), n(e.lost()),
           n(e.templates_known()), n(e.data_sets_awaiting_template()), sampling.empty() ? "-" : sampling,
           time_text(e.last_seen_ms())});
  }
  if (t.empty()) std::fprintf(c.out, "no exporters yet\n");
  else t.print(c.out);
  if (r.not_listed() != 0) std::fprintf(c.out, "(%u quieter exporters not listed)\n", r.not_listed());
  return 0;
}

// --detector, --severity, --status, --address, --since as the API's filter.
bool alert_filter(const Call& c, v1::AlertFilter& f) {
  for (const auto& d : c.options.detectors) f.add_detectors(d);
  if (!c.options.severity.empty()) {
    v1::Severity s;
    if (!v1::Severity_Parse("SEVERITY_" + upper(c.options.severity), &s) || s == v1::SEVERITY_UNSPECIFIED)
      return c.fail("--severity: '" + c.options.severity + "' is not warning, minor, major or critical"), false;
    f.set_min_severity(s);
  }
  if (!c.options.status.empty()) {
    v1::AlertStatus s;
    if (!v1::AlertStatus_Parse("ALERT_STATUS_" + upper(c.options.status), &s) || s == v1::ALERT_STATUS_UNSPECIFIED)
      return c.fail("--status: '" + c.options.status + "' is not open, update or resolved"), false;
    f.add_statuses(s);
  }
  f.set_address(c.options.address);
  f.set_since_ms(c.options.since_ms);
  return true;
}

void alert_row(TextTable& t, const v1::Alert& a) {
  std::string where = a.source().empty() ? "" : a.source();
  if (!a.target().empty()) where += (where.empty() ? "" : " -> ") + a.target();
  if (a.port() != 0) where += ":" + n(a.port());
  char score[16];
  std::snprintf(score, sizeof score, "%.0f", a.score());
  // Most sessions first (a protobuf map has no order of its own).
  std::vector<std::pair<std::string, uint64_t>> by_count(a.labels().begin(), a.labels().end());
  std::sort(by_count.begin(), by_count.end(),
            [](const auto& x, const auto& y) { return x.second != y.second ? x.second > y.second : x.first < y.first; });
  std::string labels;
  for (const auto& [label, sessions] : by_count) labels += (labels.empty() ? "" : ",") + label + ":" + n(sessions);
  t.row({n(a.sequence()), time_text(a.end_ms()), text_of(a.status()), a.detector(), text_of(a.severity()), score,
         text_of(a.perspective()), where, labels.empty() ? "-" : labels, a.summary()});
}

TextTable alert_table() {
  return TextTable(
      {">seq", "time", "status", "detector", "severity", ">score", "perspective", "where", "labels", "summary"});
}

int follow(const Call& c, const v1::AlertFilter& filter, uint64_t after) {
  auto stub = v1::Alerts::NewStub(c.client.channel());
  grpc::ClientContext context;
  c.client.prepare(context, true);
  v1::SubscribeRequest request;
  *request.mutable_filter() = filter;
  const std::string& resume = c.options.after;
  if (!resume.empty() && resume.find_first_not_of("0123456789") == std::string::npos)
    request.set_after_sequence(std::stoull(resume));
  else if (!resume.empty())
    request.set_after_alert_id(resume);
  else
    request.set_after_sequence(after);
  auto reader = stub->Subscribe(&context, request);
  v1::AlertEvent event;
  while (reader->Read(&event)) {
    if (event.missed_before() != 0)
      std::fprintf(c.err, "synwatchctl: %" PRIu64 " alert events missed (this client fell behind)\n",
                   event.missed_before());
    if (c.options.json) {
      c.json(event.alert());
    } else {
      TextTable t = alert_table();
      alert_row(t, event.alert());
      t.print(c.out);
    }
    std::fflush(c.out);
  }
  const grpc::Status s = reader->Finish();
  if (s.error_code() == grpc::StatusCode::UNAVAILABLE && s.error_message() == "synwatchd is stopping")
    return c.fail("synwatchd stopped; the stream has ended");
  return s.ok() ? 0 : c.fail(s);
}

int alerts(const Call& c) {
  v1::AlertFilter filter;
  if (!alert_filter(c, filter)) return 2;
  auto stub = v1::Alerts::NewStub(c.client.channel());
  // The newest --limit matching events: page through, keeping the last ones.
  std::vector<v1::Alert> kept;
  std::string token;
  uint64_t last_seen = 0;
  if (c.options.after.empty()) {
    do {
      grpc::ClientContext context;
      c.client.prepare(context);
      v1::ListAlertsRequest request;
      *request.mutable_filter() = filter;
      request.set_page_size(1000);
      request.set_page_token(token);
      v1::ListAlertsResponse r;
      if (grpc::Status s = stub->ListAlerts(&context, request, &r); !s.ok()) return c.fail(s);
      for (const auto& a : r.alerts()) kept.push_back(a);
      if (kept.size() > c.options.limit) kept.erase(kept.begin(), kept.end() - c.options.limit);
      token = r.next_page_token();
      if (!token.empty()) last_seen = std::stoull(token);
      else if (!kept.empty()) last_seen = std::max(last_seen, kept.back().sequence());
    } while (!token.empty());
    if (c.options.json) {
      for (const auto& a : kept) c.json(a);
    } else {
      TextTable t = alert_table();
      for (const auto& a : kept) alert_row(t, a);
      if (t.empty() && !c.options.follow) std::fprintf(c.out, "no alerts\n");
      else if (!t.empty()) t.print(c.out);
    }
    std::fflush(c.out);
  }
  if (!c.options.follow) return 0;
  return follow(c, filter, last_seen);
}

int apply_config(const Call& c, const std::string& path) {
  v1::ApplyConfigRequest request;
  if (!read_file(path, *request.mutable_yaml())) return c.fail("cannot read '" + path + "'");
  request.set_expected_version(c.options.expected_version);
  request.set_dry_run(c.options.dry_run);
  v1::ApplyConfigResponse r;
  if (!unary<v1::Configuration>(c, &v1::Configuration::Stub::ApplyConfig, request, r)) return 1;
  if (c.options.json) return c.json(r), 0;
  if (r.changed().empty()) {
    std::fprintf(c.out, "%s changes nothing (version %" PRIu64 ")\n", path.c_str(), r.version());
    return 0;
  }
  std::fprintf(c.out, "%s version %" PRIu64 ", etag %s; %d setting%s:\n",
               r.applied() ? "applied:" : "dry run, nothing applied: would leave", r.version(), r.etag().c_str(),
               r.changed_size(), r.changed_size() == 1 ? "" : "s");
  for (const auto& s : r.changed()) std::fprintf(c.out, "  %s\n", s.c_str());
  return 0;
}

int config(const Call& c) {
  auto stub = v1::Configuration::NewStub(c.client.channel());
  const std::vector<std::string>& words = c.options.command;
  if (words.size() == 2 && words[1] == "get") {
    v1::GetConfigResponse r;
    if (!unary<v1::Configuration>(c, &v1::Configuration::Stub::GetConfig, {}, r)) return 1;
    if (c.options.json) return c.json(r), 0;
    std::fprintf(c.out, "# version %" PRIu64 ", etag %s, from %s\n", r.version(), r.etag().c_str(),
                 r.source().empty() ? "defaults and command-line options" : r.source().c_str());
    std::fputs(r.yaml().c_str(), c.out);
    return 0;
  }
  if (words.size() == 3 && words[1] == "apply") return apply_config(c, words[2]);
  if (words.size() == 3 && words[1] == "validate") {
    std::string text;
    if (!read_file(words[2], text)) return c.fail("cannot read '" + words[2] + "'");
    grpc::ClientContext context;
    c.client.prepare(context);
    v1::ValidateConfigRequest request;
    request.set_yaml(text);
    v1::ValidateConfigResponse r;
    if (grpc::Status s = stub->ValidateConfig(&context, request, &r); !s.ok()) {
      if (s.error_code() == grpc::StatusCode::INVALID_ARGUMENT) return c.fail(words[2] + ": " + s.error_message());
      return c.fail(s);
    }
    if (c.options.json) return c.json(r), 0;
    std::fprintf(c.out, "%s is valid\n", words[2].c_str());
    return 0;
  }
  return c.misuse("config: expected 'config get', 'config validate FILE' or 'config apply FILE'");
}

int health(const Call& c) {
  grpc::health::v1::HealthCheckResponse r;
  if (!unary<grpc::health::v1::Health>(c, &grpc::health::v1::Health::Stub::Check, {}, r)) return 1;
  if (c.options.json) return c.json(r), 0;
  std::fprintf(c.out, "%s\n", grpc::health::v1::HealthCheckResponse::ServingStatus_Name(r.status()).c_str());
  return r.status() == grpc::health::v1::HealthCheckResponse::SERVING ? 0 : 1;
}

}  // namespace

int run_command(const CtlOptions& options, const CtlClient& client, std::FILE* out, std::FILE* err) {
  const Call c{options, client, out, err};
  const std::string& verb = options.command.front();
  const size_t words = options.command.size();
  if (verb == "config") return config(c);
  if (verb == "top") return top(c);
  if (verb == "sessions") return sessions(c);
  if (verb == "detectors") return detectors(c);
  if (words > 1) return c.misuse(verb + ": unexpected '" + options.command[1] + "' (see --help)");
  if (verb == "status") return status(c);
  if (verb == "stats") return stats(c);
  if (verb == "exporters") return exporters(c);
  if (verb == "alerts") return alerts(c);
  if (verb == "health") return health(c);
  return c.misuse("'" + verb + "' is not a command (see --help)");
}

}  // namespace synwatch::ctl
