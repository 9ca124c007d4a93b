#include "dataplane/pipeline/partial_rings.h"

#include <thread>

namespace synwatch::pipeline {

PartialRings::PartialRings(uint32_t workers) {
  for (uint32_t i = 0; i < workers; ++i) workers_.push_back(std::make_unique<PerWorker>());
}

bool PartialRings::publish(uint32_t shard, detect::IntervalPartial* partial, int64_t through) {
  const Published item{partial, through};
  auto& ring = workers_[shard]->published;
  while (ring.push_batch(&item, 1) == 0) {
    if (!lossless_) return false;
    std::this_thread::yield();
  }
  return true;
}

detect::IntervalPartial* PartialRings::reclaim(uint32_t shard) {
  detect::IntervalPartial* p = nullptr;
  return workers_[shard]->returned.pop_batch(&p, 1) == 1 ? p : nullptr;
}

bool PartialRings::deliver(detect::PartialChannel& engine) {
  bool moved = false;
  for (uint32_t shard = 0; shard < workers_.size(); ++shard) {
    PerWorker& w = *workers_[shard];
    Published batch[16];
    for (size_t n; (n = w.published.pop_batch(batch, 16)) > 0;) {
      moved = true;
      for (size_t i = 0; i < n; ++i) engine.publish(shard, batch[i].partial, batch[i].through_interval);
    }
    // The returned ring holds more than a worker owns: this never waits for long.
    while (detect::IntervalPartial* p = engine.reclaim(shard))
      while (w.returned.push_batch(&p, 1) == 0) std::this_thread::yield();
  }
  return moved;
}

}  // namespace synwatch::pipeline
