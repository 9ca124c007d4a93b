#include "control/ctl/ctl_query_commands.h"

#include <cinttypes>

#include "control/ctl/text_table.h"
#include "synwatch/v1/detectors.grpc.pb.h"
#include "synwatch/v1/sessions.grpc.pb.h"

namespace synwatch::ctl {
namespace {

// --perspective as the API's enum; false (and said) when it is not one.
bool perspective_of(const Call& c, v1::Perspective& out) {
  out = v1::PERSPECTIVE_UNSPECIFIED;
  if (c.options.perspective.empty()) return true;
  if (!v1::Perspective_Parse("PERSPECTIVE_" + upper(c.options.perspective), &out) ||
      out == v1::PERSPECTIVE_UNSPECIFIED) {
    c.fail("--perspective: '" + c.options.perspective + "' is not inbound, outbound, private, edge or excluded");
    return false;
  }
  return true;
}

// --address, --port, --perspective as a partition filter.
bool partition_filter(const Call& c, v1::PartitionFilter& f) {
  v1::Perspective p;
  if (!perspective_of(c, p)) return false;
  f.set_address(c.options.address);
  f.set_port(c.options.port);
  f.set_perspective(p);
  return true;
}

std::string endpoint(const std::string& address, uint32_t port) {
  return (address.find(':') != std::string::npos ? "[" + address + "]" : address) + ":" + n(port);
}

std::string fixed(double v, int digits) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, v);
  return text;
}

}  // namespace

int top(const Call& c) {
  const std::vector<std::string>& words = c.options.command;
  if (words.size() > 2) return c.misuse("top: expected one of servers, clients, ports, perspectives");
  const std::string by = words.size() == 2 ? words[1] : "servers";
  v1::TopFailedRequest request;
  std::string column;
  if (by == "servers" || by == "server") request.set_by(v1::TOP_DIMENSION_SERVER), column = "server";
  else if (by == "clients" || by == "client") request.set_by(v1::TOP_DIMENSION_CLIENT), column = "client";
  else if (by == "ports" || by == "port") request.set_by(v1::TOP_DIMENSION_SERVER_PORT), column = "server port";
  else if (by == "perspectives" || by == "perspective") request.set_by(v1::TOP_DIMENSION_PERSPECTIVE);
  else return c.misuse("top: '" + by + "' is not servers, clients, ports or perspectives");
  v1::Perspective p;
  if (!perspective_of(c, p)) return 2;
  request.set_perspective(p);
  request.set_window_s(c.options.window_s);
  request.set_limit(c.options.limit_set ? std::min<uint32_t>(c.options.limit, 1000) : 10);
  v1::TopFailedResponse r;
  if (!unary<v1::Sessions>(c, &v1::Sessions::Stub::TopFailed, request, r)) return 1;
  if (c.options.json) return c.json(r), 0;
  if (r.window_start_ms() == 0) {
    std::fprintf(c.out, "no failed sessions yet\n");
    return 0;
  }
  std::fprintf(c.out, "%" PRIu64 " failed sessions (%" PRIu64 " refused, %" PRIu64 " unanswered) from %s to %s\n",
               r.failed(), r.rejected(), r.unanswered(), time_text(r.window_start_ms()).c_str(),
               time_text(r.window_end_ms()).c_str());
  std::vector<std::string> headers;
  if (!column.empty()) headers.push_back(column == "server port" ? ">" + column : column);
  for (const char* h : {"perspective", ">failed", ">refused", ">unanswered"}) headers.emplace_back(h);
  TextTable t(headers);
  for (const auto& e : r.entries()) {
    std::vector<std::string> row;
    if (column == "server port") row.push_back(n(e.port()));
    else if (!column.empty()) row.push_back(e.address());
    for (const std::string& cell : {text_of(e.perspective()), n(e.failed()), n(e.rejected()), n(e.unanswered())})
      row.push_back(cell);
    t.row(row);
  }
  t.print(c.out);
  if (r.not_listed() != 0)
    std::fprintf(c.out, "(%" PRIu64 " failed sessions of %ss past api.top_keys per minute are not listed)\n",
                 r.not_listed(), column.c_str());
  return 0;
}

int sessions(const Call& c) {
  const std::vector<std::string>& words = c.options.command;
  if (words.size() != 2) return c.misuse("sessions: expected one ADDRESS");
  v1::LookupSessionsRequest request;
  request.set_address(words[1]);
  request.set_port(c.options.port);
  request.set_limit(c.options.limit_set ? std::min<uint32_t>(c.options.limit, 1000) : 50);
  v1::LookupSessionsResponse r;
  if (!unary<v1::Sessions>(c, &v1::Sessions::Stub::LookupSessions, request, r)) return 1;
  if (c.options.json) return c.json(r), 0;
  TextTable t({"decided", "client", "server", "state", "perspective", "failed", ">c2s pkts", ">s2c pkts", "label",
               "exporters"});
  for (const auto& s : r.sessions()) {
    std::string exporters;
    for (const auto& e : s.exporters()) exporters += (exporters.empty() ? "" : ",") + e;
    t.row({time_text(s.decided_ms()), endpoint(s.client(), s.client_port()), endpoint(s.server(), s.server_port()),
           s.state() + (s.sampled() ? " (sampled)" : ""), text_of(s.perspective()), s.failed() ? "yes" : "no",
           n(s.c2s_packets()), n(s.s2c_packets()), s.label().empty() ? "-" : s.label(), exporters});
  }
  if (t.empty()) std::fprintf(c.out, "no sessions of %s", words[1].c_str());
  else t.print(c.out);
  if (t.empty() || r.sessions_size() < static_cast<int>(request.limit()))
    std::fprintf(c.out, "%s(searched the newest %" PRIu64 " sessions, decided since %s)\n", t.empty() ? " " : "",
                 r.searched(), time_text(r.oldest_ms()).c_str());
  return 0;
}

namespace {

int list_detectors(const Call& c) {
  v1::ListDetectorsResponse r;
  if (!unary<v1::Detectors>(c, &v1::Detectors::Stub::ListDetectors, {}, r)) return 1;
  if (c.options.json) return c.json(r), 0;
  TextTable t({"detector", "enabled", ">tracked keys", ">evicted", ">open alerts", ">baselines", ">warm"});
  for (const auto& d : r.detectors())
    t.row({d.name(), d.enabled() ? "yes" : "no", n(d.tracked_keys()), n(d.keys_evicted()), n(d.open_alerts()),
           d.baseline_unit().empty() ? "-" : n(d.baselines()), d.baseline_unit().empty() ? "-" : n(d.baselines_warm())});
  t.print(c.out);
  std::fprintf(c.out, "evaluated through %s (flow time)\n", time_text(r.evaluated_through_ms()).c_str());
  return 0;
}

int list_baselines(const Call& c, const std::string& detector) {
  v1::ListBaselinesRequest request;
  request.set_detector(detector);
  if (!partition_filter(c, *request.mutable_filter())) return 2;
  request.set_limit(c.options.limit_set ? std::min<uint32_t>(c.options.limit, 10000) : 100);
  v1::ListBaselinesResponse r;
  if (!unary<v1::Detectors>(c, &v1::Detectors::Stub::ListBaselines, request, r)) return 1;
  if (c.options.json) return c.json(r), 0;
  if (r.unit().empty()) {
    std::fprintf(c.out, "%s learns no baselines\n", detector.c_str());
    return 0;
  }
  std::fprintf(c.out, "%s: %u partitions; expected = %s\n", detector.c_str(), r.matched(), r.unit().c_str());
  TextTable t({"server", ">port", "perspective", ">expected", ">dispersion", ">learnt", "warm", "last fed"});
  for (const auto& b : r.baselines())
    t.row({b.address(), n(b.port()), text_of(b.perspective()), fixed(b.expected(), 2),
           b.dispersion() == 0 ? "-" : fixed(b.dispersion(), 3), b.learnt() == 0 ? "-" : n(b.learnt()),
           b.warm() ? "yes" : "no", time_text(b.last_ms())});
  if (!t.empty()) t.print(c.out);
  if (static_cast<uint32_t>(r.baselines_size()) < r.matched())
    std::fprintf(c.out, "(%u more; raise --limit)\n", r.matched() - static_cast<uint32_t>(r.baselines_size()));
  return 0;
}

int reset_detector(const Call& c, const std::string& detector) {
  v1::ResetDetectorRequest request;
  request.set_detector(detector);
  if (!partition_filter(c, *request.mutable_filter())) return 2;
  v1::ResetDetectorResponse r;
  if (!unary<v1::Detectors>(c, &v1::Detectors::Stub::ResetDetector, request, r)) return 1;
  if (c.options.json) return c.json(r), 0;
  std::fprintf(c.out, "%s reset: %u keys forgotten\n", detector.c_str(), r.forgotten());
  return 0;
}

}  // namespace

int detectors(const Call& c) {
  const std::vector<std::string>& words = c.options.command;
  if (words.size() == 1) return list_detectors(c);
  if (words.size() == 3 && words[1] == "baselines") return list_baselines(c, words[2]);
  if (words.size() == 3 && words[1] == "reset") return reset_detector(c, words[2]);
  return c.misuse("detectors: expected 'detectors', 'detectors baselines NAME' or 'detectors reset NAME'");
}

}  // namespace synwatch::ctl
