// One run of the daemon: the worker pipeline behind an input (DPDK ports or kernel UDP
// sockets), the writer thread, and the orderly shutdown on a stop request or at the end
// of a capture. Everything a run counted is kept for the summary.
#pragma once

#include <atomic>
#include <cstdio>
#include <string>
#include <vector>

#include "control/config/synwatch_config.h"
#include "dataplane/pipeline/worker.h"
#include "dataplane/replay/session_writer.h"
#include "dataplane/wire/input_counters.h"

namespace synwatch::daemon {

struct RunReport {
  std::string input;                      // what was read, one line
  std::vector<std::string> port_lines;    // DPDK: one per port
  std::vector<wire::InputCounters> input_counters;  // per worker, NIC counters in [0]
  double seconds = 0;
};

// Runs until `stop` is set or a capture input ends. Start-up problems return false with
// a one-line reason in `error` (nothing was received); `warnings` go to the operator.
// `duration_s` > 0 sets `stop` that long after the workers start (benchmarks).
bool run_dpdk(const config::SynwatchConfig& config, pipeline::Pipeline& pipeline,
              replay::SessionWriter& writer, std::atomic<bool>& stop, uint32_t duration_s,
              RunReport& report, std::string& error);
bool run_udp(const config::SynwatchConfig& config, pipeline::Pipeline& pipeline,
             replay::SessionWriter& writer, std::atomic<bool>& stop, uint32_t duration_s,
             RunReport& report, std::string& error);

// Sets `stop` after `seconds` (0: never), on a detached thread.
void stop_after(std::atomic<bool>& stop, uint32_t seconds);

// Prints "synwatchd: receiving on INPUT with N workers" once the input is ready.
void announce(const pipeline::Pipeline& pipeline, const std::string& input);
// Prints "synwatchd: warning: ..." lines.
void warn(const std::vector<std::string>& warnings);

// The writer thread's loop over the pipeline, flushing at the configured interval.
void write_sessions(pipeline::Pipeline& pipeline, replay::SessionWriter& writer,
                    const OutputConfig& output);

// The one-screen summary at exit.
void print_run_summary(std::FILE* out, const pipeline::Pipeline& pipeline,
                       const replay::SessionWriter& writer, const RunReport& report);

}  // namespace synwatch::daemon
