// The loop every worker runs, whatever its input, and the orderly shutdown:
//   poll input -> hand off the burst -> join what others handed over, until the input is
//   done; then hand off the rest (waiting for room), wait until every worker has, join
//   everything, and decide every session at the newest watermark any worker saw.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

#include "dataplane/common/thread_name.h"
#include "dataplane/detect/detect_engine.h"
#include "dataplane/detect/engine_requests.h"
#include "dataplane/detect/snapshot_keeper.h"
#include "dataplane/pipeline/worker.h"

namespace synwatch::pipeline {

// `poll(worker)` feeds the worker what its input has and returns how many datagrams;
// `input_done()` says the input ended (end of a capture, or a stop request).
template <typename Poll, typename Done>
void run_worker(Pipeline& pipeline, uint32_t id, Poll&& poll, Done&& input_done) {
  name_this_thread("sw-worker-" + std::to_string(id));
  Worker& w = pipeline.worker(id);
  while (!input_done()) {
    w.take_settings();  // between two bursts: a configuration applied at runtime
    if (poll(w) > 0) w.end_burst();
    w.poll_handoff();
  }
  w.finish_input();
  while (pipeline.finished_inputs() < pipeline.size()) {
    if (!w.poll_handoff()) std::this_thread::yield();
  }
  w.finish_sessions(pipeline.final_watermark());
  w.sessions_done();
}

// The writer: moves decided sessions from every worker to `sink` until every worker has
// finished and nothing is left. Runs on a thread of its own (not a dataplane core);
// `housekeeping` (if set) runs after every round, busy or not: periodic flushing and
// publishing, on their own clocks.
void drain_sessions(Pipeline& pipeline, session::SessionSink& sink,
                    const std::function<void()>& housekeeping = nullptr);

// The control side of detection: moves every worker's interval partials to `engine`
// (which writes the alerts) until every worker has finished, then evaluates what is left.
// With a `keeper`, the baselines are saved as it says and once more at the end; with
// `requests`, the control plane's requests are served every round and refused after.
// Runs on a thread of its own; returns at once when the pipeline has no detection.
void run_detection(Pipeline& pipeline, detect::DetectEngine& engine, detect::SnapshotKeeper* keeper = nullptr,
                   detect::EngineRequests* requests = nullptr);

}  // namespace synwatch::pipeline
