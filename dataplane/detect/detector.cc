#include "dataplane/detect/detector.h"

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

std::string summary_line(const char* format, ...) {
  char line[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(line, sizeof line, format, args);
  va_end(args);
  return line;
}

std::vector<std::unique_ptr<Detector>> make_detectors(const DetectConfig& c) {
  std::vector<std::unique_ptr<Detector>> d;
  d.push_back(make_syn_flood(c));
  d.push_back(make_service_unavailable(c));
  d.push_back(make_failed_sessions(c));
  d.push_back(make_port_scan(c));
  d.push_back(make_host_sweep(c));
  d.push_back(make_scanner(c));
  d.push_back(make_stealth_scan(c, StealthKind::kNull));
  d.push_back(make_stealth_scan(c, StealthKind::kXmas));
  d.push_back(make_stealth_scan(c, StealthKind::kFin));
  d.push_back(make_backscatter(c));
  d.push_back(make_brute_force(c));
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
