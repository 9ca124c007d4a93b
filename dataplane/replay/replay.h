// Replay: feeds the export packets of capture files through the same decoder the
// daemon's workers run, in capture order, with capture time as arrival time.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "dataplane/decode/decoder.h"
#include "dataplane/wire/packet_view.h"

namespace synwatch::replay {

struct ReplayStats {
  uint64_t files = 0;
  uint64_t frames = 0;
  uint64_t datagrams = 0;  // UDP datagrams handed to the decoder
  uint64_t records = 0;
  std::array<uint64_t, 4> records_by_version{};  // indexed by ExportVersion
  wire::PacketCounters packet_counters;
};

class Replay {
 public:
  explicit Replay(const decode::DecoderConfig& config) : decoder_(config) {}

  // Replays one capture file. False, with a one-line reason, when the file cannot be
  // read as a capture or its link type is unsupported.
  bool run_file(const std::string& path, decode::RecordSink& sink, std::string& error);

  const ReplayStats& stats() const { return stats_; }
  const decode::Decoder& decoder() const { return decoder_; }
  decode::Decoder& decoder() { return decoder_; }

 private:
  decode::Decoder decoder_;
  ReplayStats stats_;
};

}  // namespace synwatch::replay
