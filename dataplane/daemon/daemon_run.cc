#include "dataplane/daemon/daemon_run.h"

#include <cinttypes>
#include <thread>

#include "dataplane/common/thread_name.h"
#include "dataplane/daemon/service_notify.h"
#include "dataplane/pipeline/worker_loop.h"
#include "dataplane/replay/replay_summary.h"

namespace synwatch::daemon {

void warn(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::fprintf(stderr, "synwatchd: warning: %s\n", w.c_str());
}

void announce(const pipeline::Pipeline& pipeline, const std::string& input) {
  const std::string workers = std::to_string(pipeline.size()) + (pipeline.size() == 1 ? " worker" : " workers");
  std::fprintf(stderr, "synwatchd: receiving on %s with %s\n", input.c_str(), workers.c_str());
  // The API and metrics are up before the input opens (main.cc): the service is ready.
  notify_service("READY=1\nSTATUS=receiving on " + input + " with " + workers);
}

void stop_after(std::atomic<bool>& stop, uint32_t seconds) {
  if (seconds == 0) return;
  std::thread([&stop, seconds] {
    name_this_thread("sw-duration");
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    stop.store(true, std::memory_order_relaxed);
  }).detach();
}

ControlThreads::ControlThreads(pipeline::Pipeline& pipeline, RunOutputs& outputs,
                               const OutputConfig& output) {
  const std::chrono::milliseconds interval(output.flush_interval_ms);
  writer_ = std::thread([&pipeline, &outputs, interval] {
    name_this_thread("sw-writer");
    session::SessionFanout sinks{&outputs.sessions, outputs.watch};
    pipeline::drain_sessions(pipeline, sinks, [&] {
      outputs.sessions.flush_every(interval);
      if (outputs.sessions_file != nullptr && outputs.sessions_file->reopen_if_requested(stderr))
        outputs.sessions.set_output(outputs.sessions_file->stream());
    });
    outputs.sessions.publish();
  });
  if (outputs.detection != nullptr)
    detection_ = std::thread(
        [&pipeline, &outputs] {
          name_this_thread("sw-detect");
          pipeline::run_detection(pipeline, *outputs.detection, outputs.snapshots, outputs.requests);
        });
}

void ControlThreads::join() {
  writer_.join();
  if (detection_.joinable()) detection_.join();
}

namespace {

// One line of the worker table.
struct WorkerRow {
  uint64_t frames = 0, datagrams = 0, records = 0, handed_off = 0, sessions = 0;
  void add(const WorkerRow& o) {
    frames += o.frames, datagrams += o.datagrams, records += o.records;
    handed_off += o.handed_off, sessions += o.sessions;
  }
};

// From the worker's last published stats (every worker publishes once more as it finishes).
WorkerRow row_of(const pipeline::WorkerStats& s, const wire::InputCounters* input) {
  WorkerRow r;
  if (input != nullptr) r.frames = input->get(wire::InputCounter::frames_received);
  r.datagrams = s.datagrams;
  r.records = s.records;
  r.handed_off = s.handoff.get(pipeline::PipelineCounter::records_handed_off);
  r.sessions = s.sessions.get(session::SessionCounter::sessions_created);
  return r;
}

void print_row(std::FILE* out, const std::string& label, const WorkerRow& r, double seconds) {
  const double rate = seconds > 0 ? static_cast<double>(r.records) / seconds : 0;
  std::fprintf(out, "  %-6s %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %12.0f %12" PRIu64 " %12" PRIu64 "\n",
               label.c_str(), r.frames, r.datagrams, r.records, rate, r.handed_off, r.sessions);
}

}  // namespace

void print_run_summary(std::FILE* out, const pipeline::Pipeline& pipeline,
                       const RunOutputs& outputs, const RunReport& report) {
  std::fprintf(out, "synwatchd: %u worker%s, %s, %.2f s\n", pipeline.size(),
               pipeline.size() == 1 ? "" : "s", report.input.c_str(), report.seconds);
  for (const auto& line : report.port_lines) std::fprintf(out, "  %s\n", line.c_str());

  std::fprintf(out, "  %-6s %12s %12s %12s %12s %12s %12s\n", "worker", "frames", "datagrams",
               "records", "records/s", "handed off", "sessions");
  wire::InputCounters input;
  wire::PacketCounters packets;
  decode::DecodeCounters decode;
  session::SessionCounters sessions;
  pipeline::PipelineCounters handoff;
  detect::DetectCounters detection;
  WorkerRow all;
  for (uint32_t i = 0; i < pipeline.size(); ++i) {
    const pipeline::WorkerStats s = pipeline.worker(i).stats().read();
    const bool has_input = i < report.input_counters.size();
    const WorkerRow row = row_of(s, has_input ? &report.input_counters[i] : nullptr);
    print_row(out, std::to_string(i), row, report.seconds);
    all.add(row);
    if (has_input) input.merge(report.input_counters[i]);
    packets.merge(s.packets);
    decode.merge(s.decode);
    sessions.merge(s.sessions);
    handoff.merge(s.handoff);
    if (s.detection) detection.merge(s.detect);
  }
  if (pipeline.size() > 1) print_row(out, "all", all, report.seconds);
  // Each exporter is decoded by one worker (RSS or socket steering by its address).
  bool header = true;
  for (uint32_t i = 0; i < pipeline.size(); ++i) {
    if (pipeline.worker(i).decoder().exporters().size() == 0) continue;
    replay::print_exporters(out, pipeline.worker(i).decoder(), header, static_cast<int>(i));
    header = false;
  }
  outputs.sessions.tally.print(out);
  if (outputs.alerts != nullptr) outputs.alerts->print_summary(out);
  replay::CounterReport report_rows(out);
  input.values[static_cast<size_t>(wire::InputCounter::frames_received)] = 0;  // shown above
  report_rows.add("input", input.values, wire::kInputCounterNames,
                  wire::kInputCounterKinds, wire::kInputCounterHelp);
  report_rows.add("packet", packets.values, wire::kPacketCounterNames,
                  wire::kPacketCounterKinds, wire::kPacketCounterHelp);
  report_rows.add("decode", decode.values, decode::kDecodeCounterNames,
                  decode::kDecodeCounterKinds, decode::kDecodeCounterHelp);
  report_rows.add("session", sessions.values, session::kSessionCounterNames,
                  session::kSessionCounterKinds, session::kSessionCounterHelp);
  report_rows.add("pipeline", handoff.values, pipeline::kPipelineCounterNames,
                  pipeline::kPipelineCounterKinds, pipeline::kPipelineCounterHelp);
  if (outputs.detection != nullptr)
    replay::add_detection_counters(report_rows, detection, outputs.detection->counters());
  report_rows.print_total();
}

}  // namespace synwatch::daemon
