// synwatch-replay: decode flow export captures offline.
#include <cstdio>
#include <string>

#include "dataplane/json/record_json.h"
#include "dataplane/replay/replay.h"
#include "dataplane/replay/replay_options.h"
#include "dataplane/replay/replay_summary.h"

namespace {

class JsonRecordWriter : public synwatch::decode::RecordSink {
 public:
  explicit JsonRecordWriter(std::FILE* out) : out_(out) {}
  void on_record(const synwatch::decode::FlowRecord& r) override {
    synwatch::json::JsonLine line;
    const auto text = synwatch::json::record_to_json(r, line);
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
  synwatch::replay::ReplayOptions options;
  if (std::string problem = synwatch::replay::parse_replay_options(argc, argv, options);
      !problem.empty())
    return fail(problem);
  if (options.help) {
    std::fputs(synwatch::replay::kReplayUsage, stdout);
    return 0;
  }
  if (options.list_counters) {
    synwatch::replay::print_counter_list(stdout);
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

  synwatch::replay::Replay replay(options.decoder);
  JsonRecordWriter writer(out);
  int status = 0;
  for (const auto& path : options.captures) {
    std::string error;
    if (!replay.run_file(path, writer, error)) {
      status = fail("cannot read '" + path + "': " + error);
      break;
    }
  }
  if (std::fflush(out) != 0) status = fail("write failed");
  if (out != stdout) std::fclose(out);
  if (!options.quiet) synwatch::replay::print_summary(stderr, replay);
  return status;
}
