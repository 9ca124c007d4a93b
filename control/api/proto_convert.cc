#include "control/api/proto_convert.h"

#include "dataplane/signature/label_registry.h"

namespace synwatch::control {

v1::Perspective to_proto(session::Perspective p) {
  switch (p) {
    case session::Perspective::kInbound: return v1::PERSPECTIVE_INBOUND;
    case session::Perspective::kOutbound: return v1::PERSPECTIVE_OUTBOUND;
    case session::Perspective::kPrivate: return v1::PERSPECTIVE_PRIVATE;
    case session::Perspective::kEdge: return v1::PERSPECTIVE_EDGE;
    case session::Perspective::kExcluded: return v1::PERSPECTIVE_EXCLUDED;
  }
  return v1::PERSPECTIVE_UNSPECIFIED;
}

v1::Severity to_proto(detect::Severity s) {
  return static_cast<v1::Severity>(static_cast<int>(s) + v1::SEVERITY_WARNING);
}

v1::AlertStatus to_proto(detect::AlertStatus s) {
  return static_cast<v1::AlertStatus>(static_cast<int>(s) + v1::ALERT_STATUS_OPEN);
}

v1::CounterKind to_proto(wire::CounterKind k) {
  switch (k) {
    case wire::CounterKind::kEvent: return v1::COUNTER_KIND_EVENT;
    case wire::CounterKind::kDrop: return v1::COUNTER_KIND_DROP;
    case wire::CounterKind::kLoss: return v1::COUNTER_KIND_LOSS;
  }
  return v1::COUNTER_KIND_UNSPECIFIED;
}

void to_proto(const StoredAlert& in, v1::Alert& out) {
  const detect::Alert& a = in.alert;
  out.set_sequence(in.sequence);
  out.set_id(a.id);
  out.set_detector(std::string(a.detector));
  out.set_severity(to_proto(a.severity));
  out.set_score(a.score);
  out.set_perspective(to_proto(a.perspective));
  if (a.source.is_set()) out.set_source(a.source.to_string());
  if (a.target.is_set()) out.set_target(a.target.to_string());
  out.set_port(a.port);
  out.set_start_ms(a.start_ms);
  out.set_end_ms(a.end_ms);
  out.set_count(a.count);
  out.set_baseline(a.baseline);
  out.set_status(to_proto(a.status));
  out.set_summary(a.summary);
  out.set_evidence_json(a.evidence);
  for (const auto& [label, sessions] : a.labels)
    (*out.mutable_labels())[std::string(signature::LabelRegistry::instance().name(label))] = sessions;
}

void to_proto(const pipeline::ExporterSummary& in, uint32_t worker, v1::Exporter& out) {
  out.set_address(in.address.to_string());
  out.set_worker(worker);
  out.set_packets(in.packets);
  out.set_records(in.records);
  uint64_t dropped = 0, lost = 0;
  for (size_t i = 0; i < decode::kDecodeCounterCount; ++i) {
    const uint64_t value = in.counters.values[i];
    if (value == 0) continue;
    if (decode::kDecodeCounterKinds[i] == wire::CounterKind::kDrop) dropped += value;
    if (decode::kDecodeCounterKinds[i] == wire::CounterKind::kLoss) lost += value;
    v1::Counter* c = out.add_counters();
    c->set_layer("decode");
    c->set_name(std::string(decode::kDecodeCounterNames[i]));
    c->set_kind(to_proto(decode::kDecodeCounterKinds[i]));
    c->set_value(value);
  }
  out.set_dropped(dropped);
  out.set_lost(lost);
  out.set_templates_known(in.templates);
  out.set_data_sets_awaiting_template(in.pending);
  out.set_configured_sampling_rate(in.static_sampling);
  out.set_last_seen_ms(in.last_seen_ms);
  for (uint32_t i = 0; i < in.domain_count; ++i) {
    const pipeline::DomainSummary& d = in.domains[i];
    v1::ExporterDomain* o = out.add_domains();
    o->set_version(std::string(decode::version_name(d.version)));
    o->set_domain(d.domain);
    o->set_sampling_rate(d.sampling_rate);
    o->set_sequence_known(d.sequence_known);
    o->set_last_seen_ms(d.last_seen_ms);
  }
}

std::string from_proto(v1::Perspective in, std::optional<session::Perspective>& out) {
  switch (in) {
    case v1::PERSPECTIVE_UNSPECIFIED: out.reset(); return {};
    case v1::PERSPECTIVE_INBOUND: out = session::Perspective::kInbound; return {};
    case v1::PERSPECTIVE_OUTBOUND: out = session::Perspective::kOutbound; return {};
    case v1::PERSPECTIVE_PRIVATE: out = session::Perspective::kPrivate; return {};
    case v1::PERSPECTIVE_EDGE: out = session::Perspective::kEdge; return {};
    case v1::PERSPECTIVE_EXCLUDED: out = session::Perspective::kExcluded; return {};
    default: return std::to_string(static_cast<int>(in)) + " is not a perspective";
  }
}

void to_proto(const session::SessionEvent& in, v1::Session& out) {
  out.set_client(in.client.to_string());
  out.set_client_port(in.client_port);
  out.set_server(in.server.to_string());
  out.set_server_port(in.server_port);
  out.set_proto(in.proto);
  out.set_state(std::string(session::state_name(in.state)));
  out.set_established(in.established);
  out.set_failed(in.failed);
  out.set_perspective(to_proto(in.perspective));
  out.set_client_flags(in.client_flags);
  out.set_server_flags(in.server_flags);
  out.set_c2s_packets(in.c2s_packets);
  out.set_c2s_bytes(in.c2s_bytes);
  out.set_s2c_packets(in.s2c_packets);
  out.set_s2c_bytes(in.s2c_bytes);
  out.set_start_ms(in.start_ms);
  out.set_end_ms(in.end_ms);
  for (uint8_t i = 0; i < in.exporter_count && i < in.exporters.size(); ++i)
    out.add_exporters(in.exporters[i].to_string());
  out.set_sampled(in.sampled);
  out.set_decided_ms(in.decided_ms);
  if (in.label != 0) out.set_label(std::string(signature::LabelRegistry::instance().name(in.label)));
}

void to_proto(const TopFailed& in, v1::TopFailedResponse& out) {
  for (const TopRow& row : in.rows) {
    v1::TopFailedEntry* e = out.add_entries();
    if (row.key.host.is_set()) e->set_address(row.key.host.to_string());
    e->set_port(row.key.port);
    e->set_perspective(to_proto(row.key.perspective));
    e->set_failed(row.counts.failed);
    e->set_rejected(row.counts.rejected);
    e->set_unanswered(row.counts.unanswered);
  }
  out.set_failed(in.total.failed);
  out.set_rejected(in.total.rejected);
  out.set_unanswered(in.total.unanswered);
  out.set_not_listed(in.not_listed);
  out.set_window_start_ms(in.from_ms);
  out.set_window_end_ms(in.to_ms);
}

std::string from_proto(const v1::TopFailedRequest& in, TopQuery& out) {
  TopQuery q;
  switch (in.by()) {
    case v1::TOP_DIMENSION_SERVER: q.by = TopBy::kServer; break;
    case v1::TOP_DIMENSION_CLIENT: q.by = TopBy::kClient; break;
    case v1::TOP_DIMENSION_SERVER_PORT: q.by = TopBy::kServerPort; break;
    case v1::TOP_DIMENSION_PERSPECTIVE: q.by = TopBy::kPerspective; break;
    case v1::TOP_DIMENSION_UNSPECIFIED: return "by: required (server, client, server port or perspective)";
    default: return "by: " + std::to_string(static_cast<int>(in.by())) + " is not a dimension";
  }
  q.window_s = in.window_s() == 0 ? 300 : in.window_s();
  if (q.window_s < 60 || q.window_s > 3600)
    return "window_s: " + std::to_string(in.window_s()) + " is outside 60 to 3600 seconds";
  q.limit = in.limit() == 0 ? 10 : in.limit();
  if (q.limit > 1000) return "limit: " + std::to_string(in.limit()) + " is above 1000";
  if (std::string problem = from_proto(in.perspective(), q.perspective); !problem.empty())
    return "perspective: " + problem;
  out = q;
  return {};
}

void to_proto(const detect::DetectorSummary& in, v1::DetectorState& out) {
  out.set_name(in.name);
  out.set_enabled(in.enabled);
  out.set_tracked_keys(in.tracked_keys);
  out.set_keys_evicted(in.keys_evicted);
  out.set_open_alerts(in.open_alerts);
  out.set_baselines(in.baselines);
  out.set_baselines_warm(in.warm);
  out.set_baseline_unit(in.baseline_unit);
}

void to_proto(const detect::PartitionBaseline& in, v1::Baseline& out) {
  if (in.key.host.is_set()) out.set_address(in.key.host.to_string());
  out.set_port(in.key.port);
  out.set_perspective(to_proto(in.key.perspective));
  out.set_expected(in.expected);
  out.set_dispersion(in.dispersion);
  out.set_learnt(in.learnt);
  out.set_warm(in.warm);
  out.set_last_ms(in.last_ms);
}

std::string from_proto(const v1::PartitionFilter& in, detect::PartitionFilter& out) {
  detect::PartitionFilter f;
  if (!in.address().empty())
    if (std::string problem = address_from_proto(in.address(), "filter.address", f.host); !problem.empty())
      return problem;
  if (in.port() > 65535) return "filter.port: " + std::to_string(in.port()) + " is above 65535";
  f.port = static_cast<uint16_t>(in.port());
  if (std::string problem = from_proto(in.perspective(), f.perspective); !problem.empty())
    return "filter.perspective: " + problem;
  out = f;
  return {};
}

std::string address_from_proto(const std::string& in, const char* field, wire::IpAddress& out) {
  if (in.empty()) return std::string(field) + ": required";
  if (!wire::IpAddress::parse(in, out)) return std::string(field) + ": '" + in + "' is not an IPv4 or IPv6 address";
  return {};
}

std::string from_proto(const v1::AlertFilter& in, AlertQuery& out) {
  AlertQuery q;
  for (const auto& d : in.detectors()) {
    if (d.empty()) return "filter.detectors: an empty name";
    q.detectors.push_back(d);
  }
  if (in.min_severity() != v1::SEVERITY_UNSPECIFIED) {
    if (!v1::Severity_IsValid(in.min_severity()))
      return "filter.min_severity: " + std::to_string(in.min_severity()) + " is not a severity";
    q.min_severity = static_cast<detect::Severity>(in.min_severity() - v1::SEVERITY_WARNING);
  }
  for (int s : in.statuses()) {
    if (s == v1::ALERT_STATUS_UNSPECIFIED || !v1::AlertStatus_IsValid(s))
      return "filter.statuses: " + std::to_string(s) + " is not an alert status";
    q.statuses.push_back(static_cast<detect::AlertStatus>(s - v1::ALERT_STATUS_OPEN));
  }
  if (std::string problem = from_proto(in.perspective(), q.perspective); !problem.empty())
    return "filter.perspective: " + problem;
  if (!in.address().empty()) {
    wire::IpAddress a;
    if (std::string problem = address_from_proto(in.address(), "filter.address", a); !problem.empty()) return problem;
    q.address = a;
  }
  if (in.since_ms() < 0) return "filter.since_ms: must not be negative";
  q.since_ms = in.since_ms();
  out = std::move(q);
  return {};
}

}  // namespace synwatch::control
