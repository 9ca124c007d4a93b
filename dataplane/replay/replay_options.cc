#include "dataplane/replay/replay_options.h"

#include <algorithm>
#include <string_view>

#include "dataplane/common/command_line.h"

namespace synwatch::replay {

const char kReplayUsage[] =
    "usage: synwatch-replay [options] CAPTURE...\n"
    "\n"
    "Decodes the flow export packets (NetFlow v5/v9, IPFIX, sFlow v5) in pcap or pcapng\n"
    "captures and prints what they carry as JSON lines.\n"
    "\n"
    "  --emit KIND             what to print as JSON lines: records (one per flow\n"
    "                          record, the default), sessions (one per decided TCP\n"
    "                          session) or alerts (the detectors' alerts: open, update,\n"
    "                          resolved)\n"
    "  --summary               sessions: print a table of sessions per state and\n"
    "                          perspective (instead of JSON lines unless --output)\n"
    "  --shards N              sessions, alerts: split sessions over N shards by host\n"
    "                          pair, as the daemon's workers do (1..64; the output is\n"
    "                          the same)\n"
    "  --internal PREFIX,...   internal prefixes for perspective (default RFC 1918,\n"
    "                          RFC 6598, fc00::/7)\n"
    "  --config FILE           YAML configuration (decoder:, sessions:, detectors:); the\n"
    "                          options here override it\n"
    "  -o, --output FILE       write JSON lines to FILE instead of standard output\n"
    "  --template-timeout SEC  forget templates not refreshed for SEC seconds of export\n"
    "                          time (default 1800; 0: never)\n"
    "  --sampling ADDR=N       treat every record from exporter ADDR as 1-in-N sampled\n"
    "                          (repeatable; overrides what the exporter announces)\n"
    "  -q, --quiet             no summary on standard error\n"
    "  --list-counters         list every drop, loss and event counter with its meaning\n"
    "  -h, --help              this help\n"
    "  --version               print the version\n"
    "\n"
    "Exit status: 0 success, 2 bad usage or unreadable capture.\n";


std::string parse_replay_options(int argc, const char* const* argv, ReplayOptions& out) {
  CommandLine line(argc, argv);
  if (std::string m = line.missing_value({"--emit", "--output", "-o", "--template-timeout",
                                          "--sampling", "--shards", "--internal", "--config"});
      !m.empty())
    return m;
  // The file first, so that every option below overrides it.
  out.config_file = line.find("--config");
  if (!out.config_file.empty()) {
    if (std::string problem = config::load_config_file(out.config_file, out.config);
        !problem.empty())
      return "--config: " + problem;
  }
  while (line.next()) {
    const std::string_view arg = line.arg();
    std::string_view value;
    auto takes_value = [&](std::string_view name) { return line.option(name, value); };
    if (arg == "-h" || arg == "--help") {
      out.help = true;
    } else if (arg == "--list-counters") {
      out.list_counters = true;
    } else if (arg == "--version") {
      out.version = true;
    } else if (arg == "-q" || arg == "--quiet") {
      out.quiet = true;
    } else if (arg == "--summary") {
      out.summary = true;
    } else if (takes_value("--config")) {
      // read above
    } else if (takes_value("--emit")) {
      if (value != "records" && value != "sessions" && value != "alerts")
        return "--emit: unknown kind '" + std::string(value) + "' (expected: records, sessions, alerts)";
      out.emit = value;
    } else if (takes_value("--shards")) {
      if (!parse_u32(value, out.shards) || out.shards < 1 || out.shards > 64)
        return "--shards: '" + std::string(value) + "' is not a number from 1 to 64";
    } else if (takes_value("--internal")) {
      std::string error;
      if (!session::Prefix::parse_list(value, out.config.sessions.internal, error))
        return "--internal: " + error;
    } else if (takes_value("--output") || takes_value("-o")) {
      if (value.empty()) return "--output: empty file name";
      out.output = value;
    } else if (takes_value("--template-timeout")) {
      if (!parse_u32(value, out.config.decoder.template_timeout_s))
        return "--template-timeout: '" + std::string(value) + "' is not a number of seconds";
    } else if (takes_value("--sampling")) {
      const size_t eq = value.rfind('=');
      decode::SamplingOverride o;
      if (eq == std::string_view::npos || !wire::IpAddress::parse(value.substr(0, eq), o.exporter))
        return "--sampling: expected ADDR=N with an IPv4 or IPv6 address, got '" +
               std::string(value) + "'";
      if (!parse_u32(value.substr(eq + 1), o.rate) || o.rate == 0)
        return "--sampling: rate in '" + std::string(value) + "' must be a whole number >= 1";
      out.config.decoder.sampling_overrides.push_back(o);
    } else if (line.looks_like_option()) {
      return std::string(arg) + ": unknown option (see --help)";
    } else {
      out.captures.emplace_back(arg);
    }
  }
  if (out.help || out.version || out.list_counters) return {};
  if (out.captures.empty()) return "no capture file given (see --help)";
  if (out.summary && out.emit != "sessions") return "--summary: needs --emit sessions";
  if (std::string problem = out.config.decoder.validate(); !problem.empty()) return problem;
  if (std::string problem = out.config.sessions.validate(); !problem.empty()) return problem;
  if (std::string problem = out.config.detect.validate(); !problem.empty()) return "detectors." + problem;
  return {};
}

}  // namespace synwatch::replay
