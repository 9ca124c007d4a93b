// Runs detectors over sessions the way the replay and the daemon do: N shard detectors
// (sessions routed by host pair), one engine, alerts collected in order.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "dataplane/detect/detect_engine.h"
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
      : config_(config), share_(config.share(shards)), engine_(config_, shards, collector) {
    for (uint32_t i = 0; i < shards; ++i)
      shards_.push_back(std::make_unique<detect::ShardDetector>(i, share_, engine_));
  }
  // Sessions must come in non-decreasing decided_ms, as a session table emits them.
  void add(const session::SessionEvent& e) {
    const size_t shard = session::host_pair_hash(e.client, e.server) % shards_.size();
    for (auto& s : shards_) s->on_watermark(e.decided_ms);
    shards_[shard]->on_session(e);
  }
  void finish(int64_t watermark_ms) {
    for (auto& s : shards_) s->on_watermark(watermark_ms);
    for (auto& s : shards_) s->finish();
    engine_.finish();
  }
  AlertCollector collector;
  const detect::DetectEngine& engine() const { return engine_; }

 private:
  detect::DetectConfig config_, share_;
  detect::DetectEngine engine_;
  std::vector<std::unique_ptr<detect::ShardDetector>> shards_;
};

}  // namespace synwatch::testing
