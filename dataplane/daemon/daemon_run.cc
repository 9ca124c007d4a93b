#include "dataplane/daemon/daemon_run.h"

#include <cinttypes>

#include "dataplane/pipeline/worker_loop.h"
#include "dataplane/replay/replay_summary.h"

namespace synwatch::daemon {

void warn(const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) std::fprintf(stderr, "synwatchd: warning: %s\n", w.c_str());
}

void announce(const pipeline::Pipeline& pipeline, const std::string& input) {
  std::fprintf(stderr, "synwatchd: receiving on %s with %u worker%s\n", input.c_str(), pipeline.size(),
               pipeline.size() == 1 ? "" : "s");
}

void write_sessions(pipeline::Pipeline& pipeline, replay::SessionWriter& writer,
                    const OutputConfig& output) {
  const std::chrono::milliseconds interval(output.flush_interval_ms);
  pipeline::drain_sessions(pipeline, writer, [&] { writer.flush_every(interval); });
}

void print_run_summary(std::FILE* out, const pipeline::Pipeline& pipeline,
                       const replay::SessionWriter& writer, const RunReport& report) {
  std::fprintf(out, "synwatchd: %u worker%s, %s, %.2f s\n", pipeline.size(),
               pipeline.size() == 1 ? "" : "s", report.input.c_str(), report.seconds);
  for (const auto& line : report.port_lines) std::fprintf(out, "  %s\n", line.c_str());

  std::fprintf(out, "  %-6s %12s %12s %12s %12s %12s\n", "worker", "frames", "datagrams", "records",
               "handed off", "sessions");  // sessions: created
  wire::InputCounters input;
  wire::PacketCounters packets;
  decode::DecodeCounters decode;
  session::SessionCounters sessions;
  pipeline::PipelineCounters handoff;
  for (uint32_t i = 0; i < pipeline.size(); ++i) {
    const pipeline::Worker& w = pipeline.worker(i);
    uint64_t records = 0;
    w.decoder().exporters().for_each(
        [&](const wire::IpAddress&, const decode::ExporterState& e) { records += e.records; });
    const uint64_t frames = i < report.input_counters.size()
                                ? report.input_counters[i].get(wire::InputCounter::frames_received)
                                : 0;
    std::fprintf(out, "  %-6u %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %12" PRIu64 " %12" PRIu64 "\n",
                 i, frames, w.datagrams(), records,
                 w.counters().get(pipeline::PipelineCounter::records_handed_off),
                 w.table().counters().get(session::SessionCounter::sessions_created));
    if (i < report.input_counters.size()) input.merge(report.input_counters[i]);
    packets.merge(w.packet_counters());
    decode.merge(w.decoder().total_counters());
    sessions.merge(w.table().counters());
    handoff.merge(w.counters());
  }
  // Each exporter is decoded by one worker (RSS or socket steering by its address).
  bool header = true;
  for (uint32_t i = 0; i < pipeline.size(); ++i) {
    if (pipeline.worker(i).decoder().exporters().size() == 0) continue;
    replay::print_exporters(out, pipeline.worker(i).decoder(), header, static_cast<int>(i));
    header = false;
  }
  writer.tally.print(out);
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
  report_rows.print_total();
}

}  // namespace synwatch::daemon
