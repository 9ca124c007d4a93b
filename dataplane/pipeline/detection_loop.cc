#include <thread>

#include "dataplane/pipeline/worker_loop.h"

namespace synwatch::pipeline {

void run_detection(Pipeline& pipeline, detect::DetectEngine& engine, detect::SnapshotKeeper* keeper,
                   detect::EngineRequests* requests) {
  PartialRings* rings = pipeline.partials();
  if (rings == nullptr) {
    if (requests != nullptr) requests->close();
    return;
  }
  for (;;) {
    bool all_done = true;  // read before delivering: a worker publishes nothing after it
    for (uint32_t i = 0; i < pipeline.size(); ++i) all_done &= pipeline.worker(i).sessions_finished();
    const bool moved = rings->deliver(engine);
    if (all_done && !moved) break;
    if (keeper != nullptr) keeper->tick(engine);
    if (requests != nullptr) requests->serve(engine);
    // Live input publishes a partial every 10 s: a 10 ms nap costs it nothing, answers
    // the control plane in time, and wakes the cores it shares with the workers less
    // often. A capture replayed at full speed passes intervals in microseconds, and its
    // workers wait for their partials to come back: there the nap is short.
    const auto nap = std::chrono::milliseconds(rings->lossless() ? 1 : 10);
    if (!moved) std::this_thread::sleep_for(nap);
  }
  engine.finish();
  if (requests != nullptr) {
    requests->serve(engine);
    requests->close();
  }
  if (keeper != nullptr) keeper->save(engine);
}

}  // namespace synwatch::pipeline
