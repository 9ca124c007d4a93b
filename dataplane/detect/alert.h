// Alert: what a detector reports (DESIGN.md section 5, 'alert'), and where alerts go.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataplane/session/perspective.h"
#include "dataplane/wire/ip_address.h"

namespace synwatch::detect {

enum class Severity : uint8_t { kWarning, kMinor, kMajor, kCritical };
enum class AlertStatus : uint8_t { kOpen, kUpdate, kResolved };

constexpr std::string_view severity_name(Severity s) {
  constexpr std::string_view names[] = {"warning", "minor", "major", "critical"};
  return names[static_cast<size_t>(s)];
}
constexpr std::string_view status_name(AlertStatus s) {
  constexpr std::string_view names[] = {"open", "update", "resolved"};
  return names[static_cast<size_t>(s)];
}

// DESIGN.md section 4: >= 75 critical, 50-75 major, 25-50 minor, else warning.
constexpr Severity severity_of(double score) {
  return score >= 75 ? Severity::kCritical
         : score >= 50 ? Severity::kMajor
         : score >= 25 ? Severity::kMinor
                       : Severity::kWarning;
}

struct Alert {
  std::string id;
  std::string_view detector;
  Severity severity = Severity::kWarning;
  double score = 0;
  session::Perspective perspective = session::Perspective::kEdge;
  wire::IpAddress source;  // unset: not applicable (JSON null)
  wire::IpAddress target;
  uint16_t port = 0;       // 0: not applicable
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  uint64_t count = 0;
  double baseline = 0;
  AlertStatus status = AlertStatus::kOpen;
  std::string summary;
  std::string evidence;  // a JSON object
  // Signature labels of the sessions behind it (the source's as client, else the target
  // service's), most frequent first: LabelRegistry numbers and session counts.
  std::vector<std::pair<uint16_t, uint32_t>> labels;
};

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void on_alert(const Alert& alert) = 0;
};

// Hands each alert to several sinks in turn (the alert log, the API's store).
class AlertFanout : public AlertSink {
 public:
  explicit AlertFanout(std::vector<AlertSink*> sinks) : sinks_(std::move(sinks)) {}
  void on_alert(const Alert& alert) override {
    for (AlertSink* s : sinks_) s->on_alert(alert);
  }

 private:
  std::vector<AlertSink*> sinks_;
};

}  // namespace synwatch::detect
