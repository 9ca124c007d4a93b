#include "dataplane/daemon/daemon_options.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "dataplane/common/command_line.h"

namespace synwatch::daemon {

const char kDaemonUsage[] =
    "usage: synwatchd [options]\n"
    "\n"
    "Receives flow exports (NetFlow v5/v9, IPFIX, sFlow v5), joins their records into\n"
    "TCP sessions on poll-mode worker cores, writes every decided session as a JSON line\n"
    "and runs the detectors over them (scans, floods, backscatter, brute force, failed\n"
    "sessions). Without options it runs what the configuration file says.\n"
    "\n"
    "  --config FILE          YAML configuration (see deploy/synwatch.example.yaml); the\n"
    "                         options below override it\n"
    "  --pcap FILE            replay a capture through DPDK's net_pcap port in flow time\n"
    "                         and exit at its end (no hugepages or PCI device needed)\n"
    "  --udp                  receive on kernel UDP sockets instead of DPDK ports\n"
    "  --udp-port PORT        kernel UDP port (repeatable; default 2055, 4739, 6343)\n"
    "  --workers N            N worker lcores, on CPUs 0..N-1\n"
    "  --no-huge              DPDK without hugepages (development and replay)\n"
    "  --internal PREFIX,...  your address space, for each session's perspective (default\n"
    "                         RFC 1918, RFC 6598, fc00::/7)\n"
    "  --sessions-out FILE    write sessions as JSON lines to FILE ('-': standard output,\n"
    "                         the default)\n"
    "  --alerts-out FILE      write alerts as JSON lines to FILE ('-': standard output)\n"
    "  --no-detect            run no detectors: sessions only\n"
    "  --detect-snapshot FILE keep the detectors' learnt baselines in FILE: read at start,\n"
    "                         written every detectors.snapshot_every_s and at exit\n"
    "  --metrics-listen ADDR  serve Prometheus /metrics on ADDR (HOST:PORT, [IPv6]:PORT;\n"
    "                         default 127.0.0.1:9610; '' serves none)\n"
    "  --api-listen ADDR      serve the gRPC API (synwatchctl) on ADDR (default\n"
    "                         127.0.0.1:50051; '' serves none; beyond loopback needs api.tls)\n"
    "  --duration SEC         stop after SEC seconds as on SIGTERM (benchmarks, tests)\n"
    "  --bench-alerts RATE    also send RATE synthetic alert events per second to the API's\n"
    "                         subscribers and the alert sinks (benchmarks only)\n"
    "  --check-config         validate the configuration and exit\n"
    "  -q, --quiet            no summary on standard error at exit\n"
    "  --list-counters        list every drop, loss and event counter with its meaning\n"
    "  --config-reference     print every configuration setting with its default, range\n"
    "                         and meaning (Markdown; docs/configuration.md)\n"
    "  -h, --help             this help\n"
    "  --version              print the version\n"
    "\n"
    "SIGINT or SIGTERM stops receiving, decides every live session, writes it and exits 0.\n"
    "SIGHUP reopens the output files (logrotate) and reloads the --config file: detector\n"
    "settings apply at once, other changes are refused with a warning (they need a\n"
    "restart).\n"
    "Exit status: 0 success, 2 bad configuration or start-up failure.\n";

std::string parse_daemon_options(int argc, const char* const* argv, DaemonOptions& out,
                                 uint32_t cpu_count) {
  CommandLine line(argc, argv);
  if (std::string m = line.missing_value({"--config", "--pcap", "--udp-port", "--workers",
                                          "--sessions-out", "--alerts-out", "--detect-snapshot", "--metrics-listen", "--api-listen", "--duration", "--bench-alerts",
                                          "--internal"});
      !m.empty())
    return m;
  out.config_file = line.find("--config");
  if (!out.config_file.empty()) {
    if (std::string problem = config::load_config_file(out.config_file, out.config, cpu_count);
        !problem.empty())
      return problem;
  }
  DataplaneConfig& d = out.config.dataplane;
  bool udp_ports_given = false;
  while (line.next()) {
    const std::string_view arg = line.arg();
    std::string_view value;
    if (line.flag("-h") || line.flag("--help")) {
      out.help = true;
    } else if (line.flag("--version")) {
      out.version = true;
    } else if (line.flag("--check-config")) {
      out.check_config = true;
    } else if (line.flag("--list-counters")) {
      out.list_counters = true;
    } else if (line.flag("--config-reference")) {
      out.config_reference = true;
    } else if (line.flag("-q") || line.flag("--quiet")) {
      out.quiet = true;
    } else if (line.flag("--no-huge")) {
      d.no_huge = true;
    } else if (line.flag("--no-detect")) {
      out.config.detect.enabled = false;
    } else if (line.flag("--udp")) {
      d.input = InputKind::kUdp;
    } else if (line.option("--config", value)) {
      // read above
    } else if (line.option("--pcap", value)) {
      if (value.empty()) return "--pcap: empty file name";
      // net_pcap takes its arguments as a comma-separated list.
      if (value.find(',') != std::string_view::npos)
        return "--pcap: '" + std::string(value) + "': DPDK cannot open a path with a comma";
      out.pcap = value;
      if (std::FILE* f = std::fopen(out.pcap.c_str(), "rb")) {
        std::fclose(f);
      } else {
        return "--pcap: cannot read '" + out.pcap + "': " + std::strerror(errno);
      }
    } else if (line.option("--udp-port", value)) {
      uint32_t port;
      if (!parse_u32(value, port) || port < 1 || port > 65535)
        return "--udp-port: '" + std::string(value) + "' is not a port (1..65535)";
      if (!udp_ports_given) d.udp_ports.clear();
      udp_ports_given = true;
      d.udp_ports.push_back(port);
    } else if (line.option("--workers", value)) {
      uint32_t n;
      if (!parse_u32(value, n) || n < 1 || n > 128)
        return "--workers: '" + std::string(value) + "' is not a number from 1 to 128";
      // More workers than CPUs share them (slower, but it runs; the daemon warns).
      d.lcores.clear();
      for (uint32_t i = 0; i < n; ++i) d.lcores.push_back(i % cpu_count);
    } else if (line.option("--duration", value)) {
      if (!parse_u32(value, out.duration_s) || out.duration_s < 1 || out.duration_s > 86400 * 366)
        return "--duration: '" + std::string(value) + "' is not a number of seconds (1..31622400)";
    } else if (line.option("--bench-alerts", value)) {
      if (!parse_u32(value, out.bench_alerts) || out.bench_alerts < 1 || out.bench_alerts > 1000000)
        return "--bench-alerts: '" + std::string(value) + "' is not a rate (1..1000000 alert events per second)";
    } else if (line.option("--internal", value)) {
      std::string error;
      if (!session::Prefix::parse_list(value, out.config.sessions.internal, error))
        return "--internal: " + error;
    } else if (line.option("--sessions-out", value)) {
      out.config.output.sessions = value;
    } else if (line.option("--alerts-out", value)) {
      out.config.output.alerts = value;
    } else if (line.option("--detect-snapshot", value)) {
      out.config.detect.snapshot_path = value;
    } else if (line.option("--metrics-listen", value)) {
      control::MetricsConfig m{std::string(value), true};  // "" turns metrics off
      if (std::string problem = m.validate(); !problem.empty())
        return "--metrics-listen: " + problem.substr(problem.find(": ") + 2);
      out.config.metrics = m;
    } else if (line.option("--api-listen", value)) {
      control::ApiConfig a = out.config.api;  // "" turns the API off
      a.listen = value;
      a.listen_set = true;
      if (std::string problem = a.validate(); !problem.empty()) return "--api-listen: " + problem;
      out.config.api = a;
    } else if (line.looks_like_option()) {
      return std::string(arg) + ": unknown option (see --help)";
    } else {
      return "'" + std::string(arg) + "': unexpected argument (see --help)";
    }
  }
  if (out.help || out.version || out.list_counters || out.config_reference) return {};
  if (!out.pcap.empty()) {
    d.input = InputKind::kDpdk;
    d.ports = {PortConfig{"net_pcap0,rx_pcap=" + out.pcap, 1, 1024}};
    // A replay needs neither hugepages nor a NIC, unless the file insists on hugepages.
    if (!d.no_huge_set) d.no_huge = true;
  }
  if (std::string problem = d.validate(cpu_count, true); !problem.empty())
    return (out.config_file.empty() ? "" : out.config_file + ": ") + "dataplane." + problem;
  return {};
}

}  // namespace synwatch::daemon
