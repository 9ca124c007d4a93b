// One run of the daemon: the worker pipeline behind an input (DPDK ports or kernel UDP
// sockets), the writer thread, and the orderly shutdown on a stop request or at the end
// of a capture. Everything a run counted is kept for the summary.
#pragma once

#include <atomic>
#include <cstdio>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "control/config/synwatch_config.h"
#include "dataplane/detect/detect_engine.h"
#include "dataplane/detect/engine_requests.h"
#include "dataplane/detect/snapshot_keeper.h"
#include "dataplane/pipeline/worker.h"
#include "dataplane/replay/alert_writer.h"
#include "dataplane/replay/output_file.h"
#include "dataplane/replay/session_writer.h"
#include "dataplane/wire/input_counters.h"

namespace synwatch::daemon {

struct RunReport {
  std::string input;                      // what was read, one line
  std::vector<std::string> port_lines;    // DPDK: one per port
  std::vector<wire::InputCounters> input_counters;  // per worker, NIC counters in [0]
  double seconds = 0;
};

// Where a run's results go: decided sessions, and alerts when detection is on.
struct RunOutputs {
  replay::SessionWriter& sessions;
  detect::DetectEngine* detection = nullptr;  // null: detection off
  const replay::AlertWriter* alerts = nullptr;
  detect::SnapshotKeeper* snapshots = nullptr;  // null: baselines not kept
  session::SessionSink* watch = nullptr;        // also sees every decided session (the API)
  detect::EngineRequests* requests = nullptr;   // the API's way to the detection engine
  // Told what the input is once it is open (the API's status).
  std::function<void(const std::string& input)> on_input;
  replay::OutputFile* sessions_file = nullptr;  // reopened by the writer thread when asked
};

// The threads beside the workers (not on dataplane cores): the session writer, flushing
// at the configured interval, and the detection engine. Started once the workers run.
class ControlThreads {
 public:
  ControlThreads(pipeline::Pipeline& pipeline, RunOutputs& outputs, const OutputConfig& output);
  // Returns once every worker has finished and everything is written.
  void join();

 private:
  std::thread writer_, detection_;
};

// Runs until `stop` is set or a capture input ends. Start-up problems return false with
// a one-line reason in `error` (nothing was received); `warnings` go to the operator.
// `duration_s` > 0 sets `stop` that long after the workers start (benchmarks).
bool run_dpdk(const config::SynwatchConfig& config, pipeline::Pipeline& pipeline,
              RunOutputs& outputs, std::atomic<bool>& stop, uint32_t duration_s,
              RunReport& report, std::string& error);
bool run_udp(const config::SynwatchConfig& config, pipeline::Pipeline& pipeline,
             RunOutputs& outputs, std::atomic<bool>& stop, uint32_t duration_s,
             RunReport& report, std::string& error);

// Sets `stop` after `seconds` (0: never), on a detached thread.
void stop_after(std::atomic<bool>& stop, uint32_t seconds);

// Prints "synwatchd: receiving on INPUT with N workers" once the input is ready.
void announce(const pipeline::Pipeline& pipeline, const std::string& input);
// Prints "synwatchd: warning: ..." lines.
void warn(const std::vector<std::string>& warnings);

// The one-screen summary at exit.
void print_run_summary(std::FILE* out, const pipeline::Pipeline& pipeline,
                       const RunOutputs& outputs, const RunReport& report);

}  // namespace synwatch::daemon
