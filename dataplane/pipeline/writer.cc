#include <thread>

#include "dataplane/pipeline/worker_loop.h"

namespace synwatch::pipeline {

void drain_sessions(Pipeline& pipeline, session::SessionSink& sink,
                    const std::function<void()>& housekeeping) {
  session::SessionEvent batch[256];
  for (;;) {
    bool all_done = true, any = false;
    for (uint32_t i = 0; i < pipeline.size(); ++i) {
      Worker& w = pipeline.worker(i);
      const bool done = w.sessions_finished();  // read before draining: nothing after it
      for (size_t n; (n = w.sessions_out().pop_batch(batch, 256)) > 0;) {
        sink.on_sessions({batch, n});
        any = true;
      }
      all_done &= done;
    }
    if (all_done && !any) return;
    if (housekeeping) housekeeping();
    // A 5 ms nap when idle: each worker's ring holds 65,536 sessions, ten times what a
    // worker decides in 5 ms, and every wake-up costs the cores it shares with the
    // workers (about 15 us on a VM).
    if (!any) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace synwatch::pipeline
