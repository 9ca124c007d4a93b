// PartialRings: the daemon's channel between each worker's ShardDetector and the one
// detection engine on the control thread. Per worker, one ring carries finished interval
// partials (or "passed interval k" notices) to the control side and one brings merged
// partials back, so the handful of partials a worker owns circulate without allocation.
//
// Live input never waits: a full ring makes the worker fold the interval into the next
// one (counted by its detector). Capture input waits instead, so alerts do not depend on
// thread timing, as the hand-off between workers does.
#pragma once

#include <memory>
#include <vector>

#include "dataplane/detect/shard_detector.h"
#include "dataplane/pipeline/spsc_ring.h"

namespace synwatch::pipeline {

class PartialRings : public detect::PartialChannel {
 public:
  explicit PartialRings(uint32_t workers);

  void set_lossless(bool lossless) { lossless_ = lossless; }
  bool lossless() const { return lossless_; }

  // Worker side.
  bool publish(uint32_t shard, detect::IntervalPartial* partial, int64_t through_interval) override;
  detect::IntervalPartial* reclaim(uint32_t shard) override;
  bool waits_for_partials() const override { return lossless_; }

  // Control side: hands everything published to `engine` and sends back what it has
  // finished with. True when anything moved.
  bool deliver(detect::PartialChannel& engine);

 private:
  struct Published {
    detect::IntervalPartial* partial;
    int64_t through_interval;
  };
  struct PerWorker {
    // A worker owns a few partials and publishes one notice per interval at most, so
    // neither ring fills unless the control thread has stalled.
    SpscRing<Published> published{64};
    SpscRing<detect::IntervalPartial*> returned{64};
  };
  std::vector<std::unique_ptr<PerWorker>> workers_;
  bool lossless_ = false;
};

}  // namespace synwatch::pipeline
