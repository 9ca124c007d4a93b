#include "control/ctl/ctl_options.h"

#include <charconv>

#include "dataplane/common/command_line.h"

namespace synwatch::ctl {

const char kCtlUsage[] =
    "usage: synwatchctl [OPTIONS] COMMAND\n"
    "Talks to a running synwatchd over its gRPC API (api.listen).\n"
    "\n"
    "Commands:\n"
    "  status                 version, input, uptime, workers, sessions and alerts\n"
    "  stats [--all]          every counter that has counted, summed over the workers\n"
    "                         (--all: the zero ones too)\n"
    "  exporters              the exporters, their templates and sampling rates\n"
    "  alerts                 alert events from the history, oldest first\n"
    "      --since DURATION   only alerts active in the last 30s, 15m, 2h, 1d (or since a\n"
    "                         time in ms since the epoch)\n"
    "      --detector NAME    only this detector (repeatable)\n"
    "      --severity LEVEL   at least warning, minor, major or critical\n"
    "      --status STATUS    only open, update or resolved events\n"
    "      --address IP       only alerts with this source or target\n"
    "      --limit N          at most N events (default 100)\n"
    "      --follow           then keep printing new events until interrupted\n"
    "      --after SEQ|ID     follow from after this sequence number or alert id\n"
    "  top [servers|clients|ports|perspectives]\n"
    "                         the most failed sessions over a window, by server (default)\n"
    "      --window DURATION  how far back: 1m to 1h of flow time (default 5m)\n"
    "      --perspective P    only inbound, outbound, private, edge or excluded\n"
    "      --limit N          at most N rows (default 10)\n"
    "  sessions ADDRESS       the newest decided sessions with this client or server\n"
    "      --port N           only those using port N on the address's side\n"
    "      --limit N          at most N sessions (default 50)\n"
    "  detectors              each detector: enabled, keys tracked, open alerts, baselines\n"
    "  detectors baselines NAME\n"
    "                         the learnt baselines of failed_sessions or syn_flood\n"
    "  detectors reset NAME   forget what detector NAME has learnt and tracks; with\n"
    "                         --address/--port/--perspective only those partitions\n"
    "  config get             the configuration in effect, with its version\n"
    "  config validate FILE   check a configuration file against this daemon's parser\n"
    "  config apply FILE      run with FILE's configuration now, without a restart: the\n"
    "                         detectors' settings, the address plan and sampling overrides\n"
    "                         apply at once; other changes are refused (they need a\n"
    "                         restart); the daemon's file is updated\n"
    "      --dry-run          only say what would change\n"
    "      --expected-version N  refuse if someone changed it since version N\n"
    "  health                 the gRPC health check (SERVING or not)\n"
    "\n"
    "Options:\n"
    "  --server ADDR          synwatchd's API, HOST:PORT (default 127.0.0.1:50051)\n"
    "  --token-file FILE      send the bearer token in FILE (default: $SYNWATCH_TOKEN)\n"
    "  --tls-ca FILE          use TLS, trusting the CA certificates in FILE\n"
    "  --tls-cert FILE        client certificate, for api.tls.client_ca\n"
    "  --tls-key FILE         its private key\n"
    "  --json                 print the API's responses as JSON, one object per line\n"
    "  --timeout SEC          give up on a call after SEC seconds (default 5)\n"
    "  -h, --help             this help\n"
    "  --version              print the version\n"
    "\n"
    "Exit status: 0 success, 1 the call failed (daemon unreachable, refused, error),\n"
    "2 bad command line.\n";

namespace {

// A number and its unit: "15m" is 15 and "m"; false without digits.
bool split_number(std::string_view text, int64_t& value, std::string_view& unit) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value < 0) return false;
  unit = std::string_view(end, static_cast<size_t>(text.data() + text.size() - end));
  return true;
}

// "30s", "15m", "2h", "1d" in ms, at most `max_ms`.
bool parse_duration(std::string_view text, int64_t max_ms, int64_t& out) {
  int64_t value = 0;
  std::string_view unit;
  if (!split_number(text, value, unit)) return false;
  int64_t scale = 0;
  if (unit == "s") scale = 1000;
  else if (unit == "m") scale = 60'000;
  else if (unit == "h") scale = 3'600'000;
  else if (unit == "d") scale = 86'400'000;
  else return false;
  if (value > max_ms / scale) return false;
  out = value * scale;
  return true;
}

// A duration back from `now_ms`, or plain digits: a time in ms since the epoch.
bool parse_since(std::string_view text, int64_t now_ms, int64_t& out) {
  int64_t value = 0;
  std::string_view unit;
  if (!split_number(text, value, unit)) return false;
  if (unit.empty()) return out = value, true;
  if (!parse_duration(text, now_ms, value)) return false;
  out = now_ms - value;
  return true;
}

}  // namespace

std::string parse_ctl_options(int argc, const char* const* argv, int64_t now_ms, CtlOptions& out) {
  CommandLine line(argc, argv);
  if (std::string m = line.missing_value({"--server", "--token-file", "--tls-ca", "--tls-cert", "--tls-key",
                                          "--timeout", "--since", "--detector", "--severity", "--status",
                                          "--address", "--limit", "--after", "--window", "--port", "--perspective", "--expected-version"});
      !m.empty())
    return m;
  std::string_view value;
  while (line.next()) {
    const std::string_view arg = line.arg();
    if (line.flag("-h") || line.flag("--help")) out.help = true;
    else if (line.flag("--version")) out.version = true;
    else if (line.flag("--json")) out.json = true;
    else if (line.flag("--all")) out.all = true;
    else if (line.flag("--dry-run")) out.dry_run = true;
    else if (line.flag("--follow") || line.flag("-f")) out.follow = true;
    else if (line.option("--server", value)) out.server = value;
    else if (line.option("--token-file", value)) out.token_file = value;
    else if (line.option("--tls-ca", value)) out.tls_ca = value;
    else if (line.option("--tls-cert", value)) out.tls_cert = value;
    else if (line.option("--tls-key", value)) out.tls_key = value;
    else if (line.option("--detector", value)) out.detectors.emplace_back(value);
    else if (line.option("--severity", value)) out.severity = value;
    else if (line.option("--status", value)) out.status = value;
    else if (line.option("--address", value)) out.address = value;
    else if (line.option("--after", value)) out.after = value;
    else if (line.option("--perspective", value)) out.perspective = value;
    else if (line.option("--window", value)) {
      int64_t window_ms = 0;
      if (!parse_duration(value, 3'600'000, window_ms) || window_ms < 60'000)
        return "--window: '" + std::string(value) + "' is not a duration from 1m to 1h";
      out.window_s = static_cast<uint32_t>(window_ms / 1000);
    } else if (line.option("--expected-version", value)) {
      uint32_t v = 0;
      if (!parse_u32(value, v) || v == 0) return "--expected-version: '" + std::string(value) + "' is not a version";
      out.expected_version = v;
    } else if (line.option("--port", value)) {
      if (!parse_u32(value, out.port) || out.port == 0 || out.port > 65535)
        return "--port: '" + std::string(value) + "' is not a port (1..65535)";
    }
    else if (line.option("--timeout", value)) {
      if (!parse_u32(value, out.timeout_s) || out.timeout_s == 0 || out.timeout_s > 3600)
        return "--timeout: '" + std::string(value) + "' is not a number of seconds (1..3600)";
    } else if (line.option("--limit", value)) {
      if (!parse_u32(value, out.limit) || out.limit == 0 || out.limit > 100000)
        return "--limit: '" + std::string(value) + "' is not a count (1..100000)";
      out.limit_set = true;
    } else if (line.option("--since", value)) {
      if (!parse_since(value, now_ms, out.since_ms))
        return "--since: '" + std::string(value) + "' is not a duration (30s, 15m, 2h, 1d) or a time in ms";
    } else if (line.looks_like_option()) {
      return std::string(arg) + ": unknown option (see --help)";
    } else {
      out.command.emplace_back(arg);
    }
  }
  if (out.help || out.version) return {};
  if (out.command.empty()) return "no command (see --help)";
  if ((!out.tls_cert.empty() || !out.tls_key.empty()) && out.tls_ca.empty())
    return "--tls-cert: a client certificate needs --tls-ca";
  if (out.tls_cert.empty() != out.tls_key.empty()) return "--tls-cert: --tls-cert and --tls-key go together";
  return {};
}

}  // namespace synwatch::ctl
