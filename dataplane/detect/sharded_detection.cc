#include "dataplane/detect/sharded_detection.h"

namespace synwatch::detect {

ShardedDetection::ShardedDetection(const DetectConfig& config, uint32_t shards, AlertSink& alerts,
                                   session::SessionSink* next)
    : share_(config.share(shards)), engine_(config, shards, alerts) {
  for (uint32_t i = 0; i < shards; ++i) {
    shards_.push_back(std::make_unique<ShardDetector>(i, share_, engine_, next));
    sinks_.push_back(shards_.back().get());
  }
}

void ShardedDetection::finish() {
  for (auto& s : shards_) s->finish();
  engine_.finish();
}

DetectCounters ShardedDetection::counters() const {
  DetectCounters total;
  for (const auto& s : shards_) total.merge(s->counters());
  return total;
}

}  // namespace synwatch::detect
