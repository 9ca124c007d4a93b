// The human summary synwatch-replay prints on standard error at the end of a run.
#pragma once

#include <cstdio>
#include <string_view>

#include "dataplane/detect/detect_counters.h"
#include "dataplane/replay/replay.h"
#include "dataplane/session/session_counters.h"
#include "dataplane/wire/counter_list.h"

namespace synwatch::replay {

void print_summary(std::FILE* out, const Replay& replay);

// The counters that moved, as rows of one table (layer, counter, count, meaning) whose
// header is printed before the first row.
class CounterReport {
 public:
  explicit CounterReport(std::FILE* out) : out_(out) {}
  template <size_t N, typename Names, typename Kinds, typename Help>
  void add(const char* layer, const std::array<uint64_t, N>& values, const Names& names,
           const Kinds& kinds, const Help& help) {
    for (size_t i = 0; i < N; ++i) {
      if (values[i] == 0) continue;
      row(layer, names[i], values[i], help[i]);
      if (kinds[i] != wire::CounterKind::kEvent) dropped_ += values[i];
    }
  }
  // The closing line: "dropped or lost: none" or the total.
  void print_total() const;

 private:
  void row(const char* layer, std::string_view name, uint64_t value, std::string_view help);
  std::FILE* out_;
  bool any_ = false;
  uint64_t dropped_ = 0;
};

// One row per exporter the decoder knows: packets, records, dropped, lost; with the
// worker that decoded it when `worker` >= 0.
void print_exporters(std::FILE* out, const decode::Decoder& decoder, bool header, int worker = -1);

// The session layer's counters that moved, with their meaning.
void print_session_counters(std::FILE* out, const session::SessionCounters& counters);

// The detection counters that moved (shards' and engine's) as rows of `report`.
void add_detection_counters(CounterReport& report, const detect::DetectCounters& shards,
                            const detect::EngineCounters& engine);
// The same as a table of its own.
void print_detection_counters(std::FILE* out, const detect::DetectCounters& shards,
                              const detect::EngineCounters& engine);

// Every counter synwatch keeps: layer, name, kind (drop, loss, event) and meaning,
// tab-separated, one per line.
void print_counter_list(std::FILE* out);

}  // namespace synwatch::replay
