// Runs detectors over sessions the way the replay and the daemon do: N shard detectors
// (sessions routed by host pair), one engine, alerts collected in order.
#pragma once

#include <string>
#include <vector>

#include "dataplane/detect/sharded_detection.h"
#include "dataplane/json/alert_json.h"
#include "dataplane/session/session_key.h"

namespace synwatch::testing {

class AlertCollector : public detect::AlertSink {
 public:
  void on_alert(const detect::Alert& a) override {
    alerts.push_back(a);
    json::JsonLine line;
    lines += json::alert_to_json(a, line);
  }
  std::vector<detect::Alert> alerts;
  std::string lines;  // every alert as its JSON line
  std::vector<detect::Alert> opened(std::string_view detector) const {
    std::vector<detect::Alert> out;
    for (const auto& a : alerts)
      if (a.detector == detector && a.status == detect::AlertStatus::kOpen) out.push_back(a);
    return out;
  }
};

class DetectHarness {
 public:
  explicit DetectHarness(const detect::DetectConfig& config = {}, uint32_t shards = 1)
      : detection_(config, shards, collector) {}
  // Sessions must come in non-decreasing decided_ms, as a session table emits them.
  void add(const session::SessionEvent& e) {
    const auto& shards = detection_.sinks();
    for (auto* s : shards) s->on_watermark(e.decided_ms);
    shards[session::host_pair_hash(e.client, e.server) % shards.size()]->on_session(e);
  }
  void finish(int64_t watermark_ms) {
    for (auto* s : detection_.sinks()) s->on_watermark(watermark_ms);
    detection_.finish();
  }
  AlertCollector collector;
  const detect::DetectEngine& engine() const { return detection_.engine(); }
  detect::DetectEngine& engine() { return detection_.engine(); }

 private:
  detect::ShardedDetection detection_;
};

}  // namespace synwatch::testing
