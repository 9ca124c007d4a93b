#include "control/api/proto_convert.h"

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
    if (!wire::IpAddress::parse(in.address(), a))
      return "filter.address: '" + in.address() + "' is not an IPv4 or IPv6 address";
    q.address = a;
  }
  if (in.since_ms() < 0) return "filter.since_ms: must not be negative";
  q.since_ms = in.since_ms();
  out = std::move(q);
  return {};
}

}  // namespace synwatch::control
