#include "dataplane/replay/replay_summary.h"

#include <cinttypes>

#include "dataplane/pipeline/pipeline_counters.h"
#include "dataplane/wire/input_counters.h"

namespace synwatch::replay {

void CounterReport::row(const char* layer, std::string_view name, uint64_t value,
                        std::string_view help) {
  if (!any_) std::fprintf(out_, "  %-7s %-34s %12s  %s\n", "layer", "counter", "count", "meaning");
  any_ = true;
  std::fprintf(out_, "  %-7s %-34.*s %12" PRIu64 "  %.*s\n", layer, static_cast<int>(name.size()),
               name.data(), value, static_cast<int>(help.size()), help.data());
}

void CounterReport::print_total() const {
  if (dropped_ == 0) std::fprintf(out_, "  dropped or lost: none\n");
  else std::fprintf(out_, "  dropped or lost: %" PRIu64 " (drop and loss counters above)\n", dropped_);
}

void print_exporters(std::FILE* out, const decode::Decoder& d, bool header, int worker) {
  if (header)
    std::fprintf(out, "  %-39s %10s %10s %10s %10s%s\n", "exporter", "packets", "records", "dropped",
                 "lost", worker >= 0 ? "  worker" : "");
  d.exporters().for_each([&](const wire::IpAddress& address, const decode::ExporterState& e) {
    uint64_t dropped = 0, lost = 0;
    for (size_t i = 0; i < decode::kDecodeCounterCount; ++i) {
      if (decode::kDecodeCounterKinds[i] == wire::CounterKind::kDrop) dropped += e.counters.values[i];
      if (decode::kDecodeCounterKinds[i] == wire::CounterKind::kLoss) lost += e.counters.values[i];
    }
    std::fprintf(out, "  %-39s %10" PRIu64 " %10" PRIu64 " %10" PRIu64 " %10" PRIu64,
                 address.to_string().c_str(), e.packets, e.records, dropped, lost);
    if (worker >= 0) std::fprintf(out, "  %6d", worker);
    std::fputc('\n', out);
  });
}

void print_session_counters(std::FILE* out, const session::SessionCounters& counters) {
  CounterReport report(out);
  report.add("session", counters.values, session::kSessionCounterNames,
             session::kSessionCounterKinds, session::kSessionCounterHelp);
}

void print_detection_counters(std::FILE* out, const detect::DetectCounters& shards,
                              const detect::EngineCounters& engine) {
  CounterReport report(out);
  add_detection_counters(report, shards, engine);
}

void add_detection_counters(CounterReport& report, const detect::DetectCounters& shards,
                            const detect::EngineCounters& engine) {
  report.add("detect", shards.values, detect::kDetectCounterNames, detect::kDetectCounterKinds,
             detect::kDetectCounterHelp);
  report.add("detect", engine.values, detect::kEngineCounterNames, detect::kEngineCounterKinds,
             detect::kEngineCounterHelp);
}

void print_counter_list(std::FILE* out) {
  auto list = [&](const char* layer, const auto& names, const auto& kinds, const auto& help) {
    for (size_t i = 0; i < names.size(); ++i) {
      const char* kind = kinds[i] == wire::CounterKind::kDrop   ? "drop"
                         : kinds[i] == wire::CounterKind::kLoss ? "loss"
                                                                : "event";
      std::fprintf(out, "%s\t%.*s\t%s\t%.*s\n", layer, static_cast<int>(names[i].size()),
                   names[i].data(), kind, static_cast<int>(help[i].size()), help[i].data());
    }
  };
  list("packet", wire::kPacketCounterNames, wire::kPacketCounterKinds, wire::kPacketCounterHelp);
  list("decode", decode::kDecodeCounterNames, decode::kDecodeCounterKinds,
       decode::kDecodeCounterHelp);
  list("session", session::kSessionCounterNames, session::kSessionCounterKinds,
       session::kSessionCounterHelp);
  list("pipeline", pipeline::kPipelineCounterNames, pipeline::kPipelineCounterKinds,
       pipeline::kPipelineCounterHelp);
  list("input", wire::kInputCounterNames, wire::kInputCounterKinds, wire::kInputCounterHelp);
  list("detect", detect::kDetectCounterNames, detect::kDetectCounterKinds, detect::kDetectCounterHelp);
  list("detect", detect::kEngineCounterNames, detect::kEngineCounterKinds, detect::kEngineCounterHelp);
}

void print_summary(std::FILE* out, const Replay& replay) {
  const ReplayStats& s = replay.stats();
  const decode::Decoder& d = replay.decoder();
  std::fprintf(out,
               "synwatch-replay: %" PRIu64 " file(s), %" PRIu64 " frames, %" PRIu64
               " export datagrams, %" PRIu64 " records\n",
               s.files, s.frames, s.datagrams, s.records);
  std::fprintf(out, "  records by version:");
  for (size_t v = 0; v < s.records_by_version.size(); ++v) {
    const auto name = decode::version_name(static_cast<decode::ExportVersion>(v));
    std::fprintf(out, " %.*s %" PRIu64, static_cast<int>(name.size()), name.data(),
                 s.records_by_version[v]);
  }
  std::fprintf(out, "\n  exporters %u, templates %u, pending data sets %u\n",
               d.exporters().size(), d.templates().size(), d.pending().size());
  // Per exporter: what it sent, what it lost on the way, what was dropped.
  print_exporters(out, d, true);
  CounterReport report(out);
  report.add("packet", s.packet_counters.values, wire::kPacketCounterNames,
             wire::kPacketCounterKinds, wire::kPacketCounterHelp);
  report.add("decode", d.total_counters().values, decode::kDecodeCounterNames,
             decode::kDecodeCounterKinds, decode::kDecodeCounterHelp);
  report.print_total();
}

}  // namespace synwatch::replay
