// synwatch-replay: decode flow export captures offline, and join them into TCP sessions.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/detect/sharded_detection.h"
#include "dataplane/json/record_json.h"
#include "dataplane/replay/alert_writer.h"
#include "dataplane/replay/replay.h"
#include "dataplane/replay/replay_options.h"
#include "dataplane/replay/replay_summary.h"
#include "dataplane/replay/session_writer.h"
#include "dataplane/session/session_shards.h"
#include "dataplane/signature/labelling_sink.h"

namespace {

using namespace synwatch;

class JsonRecordWriter : public decode::RecordSink {
 public:
  explicit JsonRecordWriter(std::FILE* out) : out_(out) {}
  void on_record(const decode::FlowRecord& r) override {
    json::JsonLine line;
    const auto text = json::record_to_json(r, line);
    std::fwrite(text.data(), 1, text.size(), out_);
  }

 private:
  std::FILE* out_;
};

int fail(const std::string& message) {
  std::fprintf(stderr, "synwatch-replay: %s\n", message.c_str());
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  replay::ReplayOptions options;
  if (std::string problem = replay::parse_replay_options(argc, argv, options); !problem.empty())
    return fail(problem);
  if (options.help) {
    std::fputs(replay::kReplayUsage, stdout);
    return 0;
  }
  if (options.list_counters) {
    replay::print_counter_list(stdout);
    return 0;
  }
  if (options.version) {
    std::printf("synwatch-replay %s\n", SYNWATCH_VERSION);
    return 0;
  }
  std::FILE* out = stdout;
  if (!options.output.empty()) {
    out = std::fopen(options.output.c_str(), "w");
    if (out == nullptr) return fail("cannot write '" + options.output + "'");
  }
  static char buffer[1 << 20];
  std::setvbuf(out, buffer, _IOFBF, sizeof buffer);

  const bool sessions = options.emit == "sessions";
  const bool alerts = options.emit == "alerts";
  // With --summary and no --output the table replaces the JSON lines on standard output.
  const bool json_lines = !(options.summary && options.output.empty());
  JsonRecordWriter record_writer(out);
  replay::SessionWriter session_writer(json_lines && sessions ? out : nullptr);

  // Alerts: each shard feeds its own detector partials; the engine merges them.
  replay::AlertWriter alert_writer(out);
  const uint32_t shard_count = sessions || alerts ? options.shards : 1;
  std::unique_ptr<detect::ShardedDetection> detection;
  if (alerts)
    detection = std::make_unique<detect::ShardedDetection>(options.config.detect, shard_count, alert_writer,
                                                           &session_writer);
  session::SessionShards shards(detection ? detection->sinks()
                                          : std::vector<session::SessionSink*>(shard_count, &session_writer),
                                options.config.sessions);
  decode::RecordSink& sink = sessions || alerts ? static_cast<decode::RecordSink&>(shards)
                                                : static_cast<decode::RecordSink&>(record_writer);

  // Signatures label records on their way in, one at a time.
  std::string signature_error;
  const auto signatures = signature::SignatureSet::compile_for_use(options.config.signatures, 1, signature_error);
  if (!signature_error.empty()) return fail("--config: signatures." + signature_error);
  signature::SignatureScanner scanner;
  scanner.use(signatures.get(), 0);
  signature::LabellingSink labelling(scanner, sink);

  replay::Replay replay(options.config.decoder);
  replay.decoder().use_interface_classifier(&scanner);
  int status = 0;
  for (const auto& path : options.captures) {
    std::string error;
    if (!replay.run_file(path, labelling, error)) {
      status = fail("cannot read '" + path + "': " + error);
      break;
    }
  }
  if (sessions || alerts) shards.finish();
  if (detection) detection->finish();
  if (options.summary) {
    std::fflush(out);
    session_writer.tally.print(stdout);
  }
  if (std::fflush(out) != 0) status = fail("write failed");
  if (out != stdout) std::fclose(out);
  if (!options.quiet) {
    replay::print_summary(stderr, replay);
    if (sessions || alerts) replay::print_session_counters(stderr, shards.counters());
    if (alerts) {
      replay::print_detection_counters(stderr, detection->counters(), detection->engine().counters());
      alert_writer.print_summary(stderr);
    }
  }
  return status;
}
