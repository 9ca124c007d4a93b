#include "dataplane/detect/detector.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>

namespace synwatch::detect {

Alert alert_draft(std::string_view detector, session::Perspective perspective,
                  const wire::IpAddress& source, const wire::IpAddress& target, uint16_t port,
                  const TimeSpan& span, uint64_t count, double baseline, double score) {
  Alert a;
  a.detector = detector;
  a.perspective = perspective;
  a.source = source;
  a.target = target;
  a.port = port;
  a.start_ms = span.first_ms;
  a.end_ms = span.last_ms;
  a.count = count;
  a.baseline = baseline;
  a.score = score;
  a.severity = severity_of(score);
  return a;
}

void label(Alert& a, const IntervalPartial& merged) {
  const HostLabels* l = nullptr;
  if (a.source.is_set()) l = merged.client_labels.find({a.source, a.perspective});
  else if (a.target.is_set() && a.port != 0) l = merged.service_labels.find({a.target, a.port, a.perspective});
  if (l == nullptr) return;
  a.labels.clear();
  for (size_t i = 0; i < HostLabels::kKept; ++i)
    if (l->label[i] != 0) a.labels.emplace_back(l->label[i], l->count[i]);
  // Most sessions first; equal counts by label number, so the order never depends on
  // the table.
  std::sort(a.labels.begin(), a.labels.end(), [](const auto& x, const auto& y) {
    return x.second != y.second ? x.second > y.second : x.first < y.first;
  });
}

std::string summary_line(const char* format, ...) {
  char line[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(line, sizeof line, format, args);
  va_end(args);
  return line;
}

std::unique_ptr<Detector> make_detector(const DetectConfig& c, std::string_view name) {
  if (name == "syn_flood") return make_syn_flood(c);
  if (name == "service_unavailable") return make_service_unavailable(c);
  if (name == "failed_sessions") return make_failed_sessions(c);
  if (name == "port_scan") return make_port_scan(c);
  if (name == "host_sweep") return make_host_sweep(c);
  if (name == "scanner") return make_scanner(c);
  if (name == "null_scan") return make_stealth_scan(c, StealthKind::kNull);
  if (name == "xmas_scan") return make_stealth_scan(c, StealthKind::kXmas);
  if (name == "fin_scan") return make_stealth_scan(c, StealthKind::kFin);
  if (name == "backscatter") return make_backscatter(c);
  if (name == "brute_force") return make_brute_force(c);
  return nullptr;
}

std::vector<std::unique_ptr<Detector>> make_detectors(const DetectConfig& c) {
  std::vector<std::unique_ptr<Detector>> d;
  for (std::string_view name : kDetectorRunOrder) d.push_back(make_detector(c, name));
  return d;
}

void save_key(SnapshotWriter& w, const HostPortKey& key) {
  w.address(key.host);
  w.u16(key.port);
  w.perspective(key.perspective);
}

HostPortKey restore_key(SnapshotReader& r) {
  HostPortKey key;
  key.host = r.address();
  key.port = r.u16();
  key.perspective = r.perspective();
  return key;
}

}  // namespace synwatch::detect
