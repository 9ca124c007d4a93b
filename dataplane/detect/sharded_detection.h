// ShardedDetection: detection for N session shards run by one thread (the offline
// replay, the tests): a ShardDetector behind each shard's table, one engine merging them.
#pragma once

#include <memory>
#include <vector>

#include "dataplane/detect/detect_engine.h"

namespace synwatch::detect {

class ShardedDetection {
 public:
  // `next` (optional) receives every session after the detectors.
  ShardedDetection(const DetectConfig& config, uint32_t shards, AlertSink& alerts,
                   session::SessionSink* next = nullptr);

  // One sink per shard, in shard order: give shard i's table sinks()[i].
  const std::vector<session::SessionSink*>& sinks() const { return sinks_; }
  // Once every table has flushed: the open intervals are handed over and evaluated.
  void finish();
  const DetectEngine& engine() const { return engine_; }
  DetectEngine& engine() { return engine_; }
  // The shards' counters, summed.
  DetectCounters counters() const;

 private:
  DetectConfig share_;
  DetectEngine engine_;
  std::vector<std::unique_ptr<ShardDetector>> shards_;
  std::vector<session::SessionSink*> sinks_;
};

}  // namespace synwatch::detect
