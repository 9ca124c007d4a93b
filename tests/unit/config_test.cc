// The configuration file: every setting read, every mistake named with its field, and a
// rejected file changes nothing.
#include <gtest/gtest.h>

#include "control/config/synwatch_config.h"


namespace synwatch::config {
namespace {

TEST(Config, ReadsEverySetting) {
  SynwatchConfig c;
  const std::string yaml = R"(
decoder:
  template_timeout_s: 600
  template_capacity: 2048
  sampling_overrides:
    - {exporter: 192.0.2.1, rate: 1000}
    - {exporter: "2001:db8::1", rate: 64}
sessions:
  capacity: 500000
  answer_window_s: 20
  idle_timeout_s: 120
  max_lifetime_s: 1800
  export_grace_s: 10
  join_exporters: false
  internal_prefixes: [198.51.100.0/24, "2001:db8:100::/64"]
  services: ["192.0.2.10:8443", "[2001:db8::10]:8080"]
)";
  ASSERT_EQ(parse_config(yaml, c), "");
  EXPECT_EQ(c.decoder.template_timeout_s, 600u);
  EXPECT_EQ(c.decoder.template_capacity, 2048u);
  ASSERT_EQ(c.decoder.sampling_overrides.size(), 2u);
  EXPECT_EQ(c.decoder.sampling_overrides[1].rate, 64u);
  EXPECT_EQ(c.sessions.capacity, 500000u);
  EXPECT_EQ(c.sessions.answer_window_s, 20u);
  EXPECT_FALSE(c.sessions.join_exporters);
  ASSERT_EQ(c.sessions.internal.size(), 2u);
  EXPECT_EQ(c.sessions.internal[1].to_string(), "2001:db8:100::/64");
  ASSERT_EQ(c.sessions.services.size(), 2u);
  EXPECT_EQ(c.sessions.services[1].port, 8080);
}

TEST(Config, MistakesNameTheFieldAndChangeNothing) {
  const struct {
    const char* yaml;
    const char* error;
  } cases[] = {
      {"sessions: {capacity: lots}", "sessions.capacity: 'lots' is not a whole number"},
      {"sessions: {capacity: 4}", "sessions.capacity: 4 is outside 16..268435456"},
      {"sessions: {answer_window_s: 600, idle_timeout_s: 300}",
       "sessions.answer_window_s: 600 is longer than idle_timeout_s (300)"},
      {"sessions: {internal_prefixes: [10.0.0.0/40]}",
       "sessions.internal_prefixes[0]: '10.0.0.0/40': prefix length must be 0..32"},
      {"sessions: {services: [\"192.0.2.1\"]}", "sessions.services[0]: '192.0.2.1': expected ADDRESS:PORT"},
      {"sessions: {join_exporters: maybe}", "sessions.join_exporters: expected true or false"},
      {"sessions: {idle: 5}", "sessions.idle: unknown setting"},
      {"decoder: {sampling_overrides: [{exporter: 192.0.2.1}]}",
       "decoder.sampling_overrides[0].rate: missing"},
      {"decoder: {sampling_overrides: [{exporter: nowhere, rate: 5}]}",
       "decoder.sampling_overrides[0].exporter: 'nowhere' is not an IPv4 or IPv6 address"},
      {"decoder: {template_capacity: 0}", "decoder.template_capacity: 0 is outside 1..4194304"},
      {"alerts: {}", "alerts: unknown section (expected decoder, sessions, detectors, dataplane, output, metrics, api, signatures)"},
      {"api: {listen: \"0.0.0.0:50051\"}",
       "api.listen: 0.0.0.0:50051 is not a loopback address; serving the API beyond this host needs api.tls"},
      {"api: {tokens: [{name: ops, file: /nonexistent/token}]}",
       "api.tokens[0].file: cannot read '/nonexistent/token'"},
      {"api: {tls: {cert: /nonexistent/server.crt}}", "api.tls.cert: cannot read '/nonexistent/server.crt'"},
      {"api: {max_subscribers: 0}", "api.max_subscribers: 0 is outside 1..256"},
      {"api: {subscriber_stall_s: 0}", "api.subscriber_stall_s: 0 is outside 1..3600"},
      {"api: {token: x}", "api.token: unknown setting (did you mean tokens?)"},
      {"metrics: {listen: \"localhost:9610\"}",
       "metrics.listen: 'localhost:9610' is not HOST:PORT (an IP address and a port, [IPv6]:PORT)"},
      {"metrics: {listen: \"::1:9610\"}",
       "metrics.listen: '::1:9610' is not HOST:PORT (an IP address and a port, [IPv6]:PORT)"},
      {"metrics: {listen: \"[::1]:9610\"}",
       "metrics.listen: [::1]:9610: the metrics HTTP server (CivetWeb) of this build has no IPv6; use an IPv4 "
       "address (0.0.0.0:9610 for all of them)"},
      {"metrics: {listen: \"127.0.0.1:99999\"}", "metrics.listen: '99999' is not a port (0..65535)"},
      {"metrics: {port: 9610}", "metrics.port: unknown setting"},
      {"output: {syslog: {facility: local0}}", "output.syslog.address: missing"},
      {"output: {syslog: {address: \"127.0.0.1\"}}",
       "output.syslog.address: '127.0.0.1': expected HOST:PORT or [IPv6]:PORT"},
      {"output: {syslog: {address: \"127.0.0.1:70000\"}}", "output.syslog.address: '70000' is not a port (1..65535)"},
      {"output: {syslog: {address: \"127.0.0.1:514\", transport: tls}}",
       "output.syslog.transport: 'tls': expected udp or tcp"},
      {"output: {syslog: {address: \"127.0.0.1:514\", facility: local9}}",
       "output.syslog.facility: 'local9': expected a facility name (daemon, local0 .. local7, ...)"},
      {"output: {syslog: {address: \"127.0.0.1:514\", app_name: \"syn watch\"}}",
       "output.syslog.app_name: 1 to 48 printable ASCII characters without spaces"},
      {"output: {syslog: {address: \"127.0.0.1:514\", port: 514}}", "output.syslog.port: unknown setting"},
      {"output: {alert_queue: 8}", "output.alert_queue: 8 is outside 16..1048576"},
      {"detectors: {port_scan: {ports: 1}}", "detectors.port_scan.ports: 1 is outside 2..65535"},
      {"detectors: {port_scan: {inbound: {window_s: x}}}",
       "detectors.port_scan.inbound.window_s: 'x' is not a whole number"},
      {"detectors: {scanner: {outbound: {theta1: 0.9}}}",
       "detectors.scanner.outbound.theta1: must be below theta0"},
      {"detectors: {syn_flood: {max_established: 2}}", "detectors.syn_flood.max_established: 2 is outside 0..1"},
      {"detectors: {failed_sessions: {bucket_s: 65}}",
       "detectors.failed_sessions.inbound.bucket_s: 65 is not a multiple of interval_s (10)"},
      {"detectors: {portscan: {}}", "detectors.portscan: unknown setting (did you mean port_scan?)"},
      {"detectors: {allowlist: [{prefix: 192.0.2.0/24, detectors: [portscan]}]}",
       "detectors.allowlist[0].detectors[0]: 'portscan' is not a detector"},
      {"sessions: [1, 2]", "sessions: expected a mapping of settings"},
      {"sessions: {capacity: 5", "line 1: "},
  };
  for (const auto& c : cases) {
    SynwatchConfig config;
    config.sessions.capacity = 777;
    const std::string error = parse_config(c.yaml, config);
    EXPECT_EQ(error.rfind(c.error, 0), 0u) << c.yaml << " said: " << error;
    EXPECT_EQ(config.sessions.capacity, 777u) << "a rejected file changes nothing: " << c.yaml;
  }
}

TEST(Config, MetricsListenDefaultsToLoopbackAndCanBeTurnedOff) {
  SynwatchConfig c;
  EXPECT_EQ(c.metrics.listen, "127.0.0.1:9610");
  EXPECT_FALSE(c.metrics.listen_set);
  ASSERT_EQ(parse_config("metrics: {listen: \"0.0.0.0:9100\"}", c), "");
  EXPECT_EQ(c.metrics.listen, "0.0.0.0:9100");
  EXPECT_TRUE(c.metrics.listen_set);
  ASSERT_EQ(parse_config("metrics: {listen: \"\"}", c), "");
  EXPECT_EQ(c.metrics.listen, "");
}

TEST(Config, DetectorSettingsApplyToEveryPerspectiveUnlessOneOverrides) {
  SynwatchConfig c;
  ASSERT_EQ(parse_config("detectors:\n"
                         "  port_scan: {inbound: {ports: 10}, ports: 20}\n"
                         "  login_ports: [22, 2222]\n"
                         "  allowlist: [{prefix: 192.0.2.7, role: source, detectors: [scanner]}]\n",
                         c),
            "");
  using session::Perspective;
  EXPECT_EQ(c.detect.port_scan[size_t(Perspective::kInbound)].ports, 10u);
  EXPECT_EQ(c.detect.port_scan[size_t(Perspective::kOutbound)].ports, 20u);
  EXPECT_EQ(c.detect.port_scan[size_t(Perspective::kEdge)].ports, 20u);
  EXPECT_EQ(c.detect.login_ports, (std::vector<uint16_t>{22, 2222}));
  ASSERT_EQ(c.detect.allowlist.size(), 1u);
  EXPECT_EQ(c.detect.allowlist[0].role, detect::AllowEntry::Role::kSource);
}

TEST(Config, DetectorSnapshotSettings) {
  SynwatchConfig c;
  ASSERT_EQ(parse_config("detectors: {snapshot: /var/lib/synwatch/d.snapshot, snapshot_every_s: 60}\n", c), "");
  EXPECT_EQ(c.detect.snapshot_path, "/var/lib/synwatch/d.snapshot");
  EXPECT_EQ(c.detect.snapshot_every_s, 60u);
  EXPECT_EQ(parse_config("detectors: {snapshot_every_s: 5}\n", c), "detectors.snapshot_every_s: 5 is outside 10..86400");
  EXPECT_EQ(c.detect.snapshot_every_s, 60u);  // the refused file changed nothing
}

TEST(Config, TheShippedExampleIsValid) {
  SynwatchConfig c;
  EXPECT_EQ(load_config_file(std::string(SYNWATCH_SOURCE_DIR) + "/deploy/synwatch.example.yaml", c, 64), "");
  EXPECT_EQ(c.sessions.services.size(), 1u);
  EXPECT_EQ(c.sessions.external.size(), 1u);
  EXPECT_EQ(c.decoder.sampling_overrides.size(), 1u);
  EXPECT_EQ(c.dataplane.lcores, (std::vector<uint32_t>{0, 1}));
  ASSERT_EQ(c.dataplane.ports.size(), 1u);
  EXPECT_TRUE(c.dataplane.ports[0].is_pci());
  EXPECT_EQ(c.dataplane.ports[0].rx_queues, 2u);
  EXPECT_EQ(c.dataplane.udp_ports, (std::vector<uint32_t>{2055, 4739, 6343}));
  EXPECT_EQ(c.output.sessions, "-");
}

TEST(Config, ReadsTheDataplaneAndOutputSections) {
  SynwatchConfig c;
  const std::string yaml = R"(
dataplane:
  input: udp
  lcores: [2, 3, 5]
  main_lcore: 1
  no_huge: true
  udp_listen: ["0.0.0.0", "2001:db8::1"]
  udp_ports: [9995]
  ports: [{device: "net_pcap0,rx_pcap=/tmp/x.pcap"}]
output:
  sessions: /var/log/synwatch/sessions.jsonl
  flush_interval_ms: 250
  alert_queue: 1000
  syslog: {address: "[2001:db8::514]:6514", transport: tcp, facility: daemon, hostname: fw1, app_name: sw}
)";
  ASSERT_EQ(parse_config(yaml, c, 8), "");
  EXPECT_EQ(c.dataplane.input, daemon::InputKind::kUdp);
  EXPECT_EQ(c.dataplane.workers(), 3u);
  EXPECT_EQ(c.dataplane.main_lcore, 1);
  EXPECT_TRUE(c.dataplane.no_huge && c.dataplane.no_huge_set);
  EXPECT_EQ(c.dataplane.udp_listen.size(), 2u);
  EXPECT_EQ(c.dataplane.ports[0].port_name(), "net_pcap0");
  EXPECT_FALSE(c.dataplane.ports[0].is_pci());
  EXPECT_EQ(c.output.flush_interval_ms, 250u);
  EXPECT_EQ(c.output.alert_queue, 1000u);
  EXPECT_EQ(c.output.syslog.address, "[2001:db8::514]:6514");
  EXPECT_EQ(c.output.syslog.transport, daemon::SyslogConfig::Transport::kTcp);
  EXPECT_EQ(c.output.syslog.facility, 3u);
  EXPECT_EQ(c.output.syslog.hostname, "fw1");
  EXPECT_EQ(c.output.syslog.app_name, "sw");
  // Four CPUs: lcore 5 is out of range, and nothing changes.
  SynwatchConfig small;
  EXPECT_EQ(parse_config(yaml, small, 4),
            "dataplane.lcores[2]: lcore 5 is out of range (this machine has CPUs 0-3)");
  EXPECT_TRUE(small.dataplane.lcores.empty());
  EXPECT_EQ(parse_config("dataplane: {udp_listen: [localhost]}", small, 4),
            "dataplane.udp_listen[0]: 'localhost' is not an IPv4 or IPv6 address");
}

// Each pool gets the reassembly tables' worst case on top of mbufs_per_socket; a size
// no pool can have is refused by name before DPDK is asked.
TEST(Config, ReassemblyMbufsAreCountedAndBounded) {
  SynwatchConfig c;
  ASSERT_EQ(parse_config("dataplane: {lcores: [0, 1], reassembly_flows: 1000}", c, 4), "");
  EXPECT_EQ(c.dataplane.reassembly_mbufs(), 2u * 1000 * 8);
  SynwatchConfig big;
  EXPECT_EQ(parse_config("dataplane: {reassembly_flows: 65537}", big, 4),
            "dataplane.reassembly_flows: 65537 is outside 1..65536");
  std::string lcores;  // 128 workers, the most there can be
  for (int i = 0; i < 128; ++i) lcores += (i ? ", " : "") + std::to_string(i % 4);
  EXPECT_EQ(parse_config("dataplane: {lcores: [" + lcores + "], reassembly_flows: 65536}", big, 4),
            "dataplane.reassembly_flows: 128 workers' tables of 65536 datagrams (up to 8 fragments each) and "
            "mbufs_per_socket need 67125247 mbufs; a pool holds at most 67108864");
  EXPECT_EQ(big.dataplane.reassembly_flows, 1024u) << "a refused file changes nothing";
}

// The hand-off rings index by mask: a size that is not a power of two would overwrite
// records not yet read, so it is refused. By default the size follows the worker count.
TEST(Config, HandoffRingSizeIsAPowerOfTwoOrSizedByWorkers) {
  SynwatchConfig c;
  ASSERT_EQ(parse_config("dataplane: {lcores: [0]}", c, 4), "");
  EXPECT_EQ(c.dataplane.handoff_ring_records(), 65536u);
  ASSERT_EQ(parse_config("dataplane: {lcores: [0, 1]}", c, 4), "");
  EXPECT_EQ(c.dataplane.handoff_ring_records(), 65536u);
  ASSERT_EQ(parse_config("dataplane: {lcores: [0, 1, 2, 3]}", c, 4), "");
  EXPECT_EQ(c.dataplane.handoff_ring_records(), 16384u);  // 65536 / 3, down to a power of two
  std::string lcores;
  for (int i = 0; i < 32; ++i) lcores += (i ? ", " : "") + std::to_string(i % 4);
  ASSERT_EQ(parse_config("dataplane: {lcores: [" + lcores + "]}", c, 4), "");
  EXPECT_EQ(c.dataplane.handoff_ring_records(), 4096u);  // the floor
  ASSERT_EQ(parse_config("dataplane: {lcores: [0, 1], handoff_ring_size: 1024}", c, 4), "");
  EXPECT_EQ(c.dataplane.handoff_ring_records(), 1024u);

  SynwatchConfig refused;
  EXPECT_EQ(parse_config("dataplane: {handoff_ring_size: 20000}", refused, 4),
            "dataplane.handoff_ring_size: 20000 is not a power of two from 64 to 16777216 (or 0: sized by "
            "the number of workers)");
  EXPECT_EQ(parse_config("dataplane: {handoff_ring_size: 32}", refused, 4),
            "dataplane.handoff_ring_size: 32 is not a power of two from 64 to 16777216 (or 0: sized by "
            "the number of workers)");
  EXPECT_EQ(refused.dataplane.handoff_ring_size, 0u) << "a refused file changes nothing";
}

TEST(Config, MissingFileIsNamed) {
  SynwatchConfig c;
  EXPECT_EQ(load_config_file("/nonexistent/synwatch.yaml", c), "/nonexistent/synwatch.yaml: cannot read");
}

}  // namespace
}  // namespace synwatch::config
