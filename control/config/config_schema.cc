#include "control/config/config_schema.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>

namespace synwatch::config {
namespace {

using C = SynwatchConfig;

// One line of flow-style YAML, quoted where YAML needs it.
std::string yaml(const YAML::Node& n) {
  YAML::Emitter e;
  e.SetSeqFormat(YAML::Flow);
  e.SetMapFormat(YAML::Flow);
  e << n;
  return e.c_str();
}
std::string text(const std::string& s) {
  return yaml(YAML::Node(s));
}
std::string text(uint32_t v) {
  return std::to_string(v);
}
std::string text(bool v) {
  return v ? "true" : "false";
}
std::string text(double v) {
  if (v == std::floor(v) && std::fabs(v) < 1e9) return std::to_string(static_cast<int64_t>(v));
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}
template <typename T, typename F>
std::string list(const std::vector<T>& items, F&& item_text) {
  YAML::Node n(YAML::NodeType::Sequence);
  for (const T& item : items)
    n.push_back(item_text(item));
  return yaml(n);
}
std::string list(const std::vector<std::string>& items) {
  return list(items, [](const std::string& s) { return s; });
}
// The first item of a list, or a new item's defaults when the list is empty.
template <typename T>
const T& first(const std::vector<T>& items) {
  static const T fresh{};
  return items.empty() ? fresh : items.front();
}

std::string role_name(detect::AllowEntry::Role r) {
  switch (r) {
    case detect::AllowEntry::Role::kSource:
      return "source";
    case detect::AllowEntry::Role::kTarget:
      return "target";
    case detect::AllowEntry::Role::kAny:
      break;
  }
  return "any";
}

std::string rule_flags(const signature::SignatureRule& r) {
  std::vector<std::string> flags;
  if (r.caseless) flags.push_back("caseless");
  if (r.dotall) flags.push_back("dotall");
  if (r.multiline) flags.push_back("multiline");
  return list(flags);
}

// The settings written by hand: everything but the detectors' own parameters, which
// come from their visit() (detector_settings below).
std::vector<Setting> section_settings() {
  using Value = std::function<std::string(const C&)>;
  std::vector<Setting> rows;
  auto add = [&](std::string path, std::string form, std::string example, std::string meaning,
                 Value value) {
    rows.push_back({std::move(path), std::move(form), "", std::move(example), std::move(meaning),
                    std::move(value), ""});
  };
  // A field every list item must have.
  auto required = [&] { rows.back().required = true; };
  // A list whose items' fields have rows of their own.
  auto add_list = [&](std::string path, std::string form, std::string meaning) {
    rows.push_back({std::move(path), std::move(form), "", "", std::move(meaning), nullptr, "[]"});
  };
  // A file read at load: the configuration keeps its content, not its name.
  auto add_file = [&](std::string path, std::string form, std::string example, std::string meaning,
                      std::string fixed_default) {
    rows.push_back({std::move(path), std::move(form), "", std::move(example), std::move(meaning),
                    nullptr, std::move(fixed_default)});
  };

  // decoder
  add("decoder.exporter_capacity", "count", "2048", "exporters tracked per worker",
      [](const C& c) { return text(c.decoder.exporter_capacity); });
  add("decoder.template_capacity", "count", "8192",
      "NetFlow v9 and IPFIX templates per worker, all exporters together",
      [](const C& c) { return text(c.decoder.template_capacity); });
  add("decoder.templates_per_exporter", "count", "256",
      "so that one exporter cannot crowd out the rest",
      [](const C& c) { return text(c.decoder.templates_per_exporter); });
  add("decoder.template_timeout_s", "seconds", "3600",
      "templates not refreshed for this long are forgotten (0: never)",
      [](const C& c) { return text(c.decoder.template_timeout_s); });
  add("decoder.pending_slots", "count", "128",
      "data sets held while their template is missing, per worker",
      [](const C& c) { return text(c.decoder.pending_slots); });
  add("decoder.pending_slot_bytes", "bytes", "4096", "the largest data set that can be held",
      [](const C& c) { return text(c.decoder.pending_slot_bytes); });
  add("decoder.pending_per_exporter", "count", "8", "held data sets one exporter may take",
      [](const C& c) { return text(c.decoder.pending_per_exporter); });
  add("decoder.pending_timeout_s", "seconds", "30",
      "a held data set whose template has not come by then is dropped",
      [](const C& c) { return text(c.decoder.pending_timeout_s); });
  add("decoder.max_records_per_packet", "count", "4096",
      "records read from one export packet at most; the rest are dropped and counted",
      [](const C& c) { return text(c.decoder.max_records_per_packet); });
  add("decoder.clock_jump_s", "seconds", "300",
      "an export time this far ahead of the exporter's clock and of every other exporter's is "
      "held until 3 packets confirm it (0: off)",
      [](const C& c) { return text(c.decoder.clock_jump_s); });
  add("decoder.interface_capacity", "count", "8192",
      "interfaces named in options data kept per worker, for interface roles (0: none kept, "
      "records carry no roles)",
      [](const C& c) { return text(c.decoder.interface_capacity); });
  add("decoder.interfaces_per_exporter", "count", "512",
      "so that one exporter cannot crowd out the rest",
      [](const C& c) { return text(c.decoder.interfaces_per_exporter); });
  add_list("decoder.sampling_overrides", "list of {exporter, rate}",
           "exporters whose sampling rate is not announced, or announced wrongly");
  add("decoder.sampling_overrides[].exporter", "address", "192.0.2.1",
      "the exporter's address, as it sends from",
      [](const C& c) { return text(first(c.decoder.sampling_overrides).exporter.to_string()); });
  required();
  add("decoder.sampling_overrides[].rate", "count (1 in N)", "1000",
      "the rate applied to every record of that exporter, whatever it announces",
      [](const C& c) { return text(first(c.decoder.sampling_overrides).rate); });
  required();

  // sessions
  add("sessions.capacity", "count", "2097152",
      "TCP sessions tracked in all, shared out among the workers (about 122 bytes each); at the "
      "bound the oldest is decided early and counted",
      [](const C& c) { return text(c.sessions.capacity); });
  add("sessions.exporters", "count", "2048", "exporters told apart per worker's table",
      [](const C& c) { return text(c.sessions.exporters); });
  add("sessions.answer_window_s", "seconds", "20",
      "flow time a SYN waits for any reply before it is unanswered (S0); at most idle_timeout_s",
      [](const C& c) { return text(c.sessions.answer_window_s); });
  add("sessions.idle_timeout_s", "seconds", "600",
      "flow time without records before a session is decided",
      [](const C& c) { return text(c.sessions.idle_timeout_s); });
  add("sessions.max_lifetime_s", "seconds", "7200",
      "a session older than this is decided, and starts anew",
      [](const C& c) { return text(c.sessions.max_lifetime_s); });
  add("sessions.export_grace_s", "seconds", "60",
      "export time a session waits after its last record for the other direction's records",
      [](const C& c) { return text(c.sessions.export_grace_s); });
  add("sessions.join_exporters", "true or false", "false",
      "join the records of one session that come from several exporters",
      [](const C& c) { return text(c.sessions.join_exporters); });
  add("sessions.internal_prefixes", "list of prefixes", "[10.0.0.0/8, 2001:db8::/32]",
      "your own address space: it decides each session's perspective",
      [](const C& c) { return list(c.sessions.internal, [](auto& p) { return p.to_string(); }); });
  add("sessions.external_prefixes", "list of prefixes", "[10.99.0.0/16]",
      "exceptions inside the internal prefixes; the longest matching prefix decides",
      [](const C& c) { return list(c.sessions.external, [](auto& p) { return p.to_string(); }); });
  add("sessions.services", "list of ADDRESS:PORT",
      "[\"198.51.100.10:8443\", \"[2001:db8::10]:443\"]",
      "servers on ports that do not look like servers: their side is the server", [](const C& c) {
        return list(c.sessions.services, [](const session::Service& s) {
          const std::string a = s.address.to_string();
          return (s.address.is_v4() ? a : "[" + a + "]") + ":" + std::to_string(s.port);
        });
      });

  // dataplane
  add("dataplane.input", "dpdk or udp", "udp",
      "dpdk: poll-mode NIC ports; udp: the kernel's sockets (a VM, a first look)", [](const C& c) {
        return std::string(c.dataplane.input == daemon::InputKind::kUdp ? "udp" : "dpdk");
      });
  add("dataplane.lcores", "list of CPU numbers", "[2, 3]",
      "one worker per CPU listed, pinned there ([]: one worker on CPU 0); keep them on the NIC's "
      "NUMA node and off CPU 0",
      [](const C& c) { return list(c.dataplane.lcores, [](uint32_t v) { return v; }); });
  add("dataplane.main_lcore", "CPU number", "1",
      "pins the control thread (default: any CPU the process may use)", [](const C& c) {
        return c.dataplane.main_lcore < 0 ? std::string("any")
                                          : text(static_cast<uint32_t>(c.dataplane.main_lcore));
      });
  add("dataplane.no_huge", "true or false", "true",
      "DPDK without hugepages: development and replay (--pcap implies it)",
      [](const C& c) { return text(c.dataplane.no_huge); });
  add("dataplane.memory_mb", "MiB", "1024",
      "DPDK memory with no_huge; unset, it grows past 512 with the workers' reassembly buffers",
      [](const C& c) { return text(c.dataplane.memory_mb); });
  add("dataplane.mbufs_per_socket", "count", "32767",
      "packet buffers per NUMA socket to receive into (the reassembly tables get theirs on top)",
      [](const C& c) { return text(c.dataplane.mbufs_per_socket); });
  add("dataplane.handoff_ring_size", "count", "32768",
      "records a worker can queue for each other worker, a power of two (0: 65536 / (workers - 1), "
      "at least 4096)",
      [](const C& c) { return text(c.dataplane.handoff_ring_size); });
  add("dataplane.reassembly_flows", "count", "2048",
      "fragmented export packets reassembled at once, per worker; each pool gets workers × "
      "reassembly_flows × 8 more mbufs",
      [](const C& c) { return text(c.dataplane.reassembly_flows); });
  add("dataplane.reassembly_timeout_ms", "milliseconds", "1000",
      "how long fragments wait for the rest: wall time live, capture time in replay",
      [](const C& c) { return text(c.dataplane.reassembly_timeout_ms); });
  add("dataplane.eal_args", "list of strings", "[\"--log-level=pmd.net.ice:info\"]",
      "more DPDK EAL options, passed as given",
      [](const C& c) { return list(c.dataplane.eal_args); });
  add_list("dataplane.ports", "list of {device, rx_queues, rx_descriptors}",
           "input: dpdk. The NIC ports to receive exports on");
  add("dataplane.ports[].device", "PCI address or virtual device", "\"0000:3b:00.0\"",
      "a PCI address bound to vfio-pci, or a DPDK virtual device with its arguments "
      "(\"net_pcap0,rx_pcap=FILE\")",
      [](const C& c) { return text(first(c.dataplane.ports).device); });
  required();
  add("dataplane.ports[].rx_queues", "count", "2",
      "receive queues; more than 1 spreads exporters over workers by RSS on IP addresses",
      [](const C& c) { return text(first(c.dataplane.ports).rx_queues); });
  add("dataplane.ports[].rx_descriptors", "count", "2048", "descriptors per receive queue",
      [](const C& c) { return text(first(c.dataplane.ports).rx_descriptors); });
  add("dataplane.udp_listen", "list of addresses", "[\"0.0.0.0\"]",
      "input: udp. Addresses to receive on; \"::\" receives IPv4 as well",
      [](const C& c) { return list(c.dataplane.udp_listen); });
  add("dataplane.udp_ports", "list of ports", "[2055, 9995]",
      "input: udp. Ports to receive on (NetFlow, IPFIX, sFlow: any protocol on any port)",
      [](const C& c) { return list(c.dataplane.udp_ports, [](uint32_t v) { return v; }); });
  add("dataplane.udp_receive_buffer_kb", "KiB", "65536",
      "input: udp. Receive buffer per socket; past net.core.rmem_max it needs CAP_NET_ADMIN (the "
      "service has it)",
      [](const C& c) { return text(c.dataplane.udp_receive_buffer_kb); });

  // detectors, before each detector's own parameters
  add("detectors.enabled", "true or false", "false",
      "false (or synwatchd --no-detect): sessions only, no detectors",
      [](const C& c) { return text(c.detect.enabled); });
  add("detectors.interval_s", "seconds", "5", "the merge tick, in flow time",
      [](const C& c) { return text(c.detect.interval_s); });
  add("detectors.keys_per_interval", "count", "16384",
      "keys each detector table takes per interval, shared out among the workers; past it, "
      "counted",
      [](const C& c) { return text(c.detect.keys_per_interval); });
  add("detectors.contacts", "count", "2097152",
      "remembered first contacts (scanner), shared out among the workers",
      [](const C& c) { return text(c.detect.contacts); });
  add("detectors.tracked_keys", "count", "32768",
      "keys each detector follows on the control side; the least active is evicted",
      [](const C& c) { return text(c.detect.tracked_keys); });
  add("detectors.partitions", "count", "32768",
      "failed_sessions models (server, port, perspective); the least active is evicted",
      [](const C& c) { return text(c.detect.partitions); });
  add("detectors.update_every_s", "seconds", "120",
      "an open alert is sent again at most this often",
      [](const C& c) { return text(c.detect.update_every_s); });
  add("detectors.snapshot", "path", "/var/lib/synwatch/detect.snapshot",
      "learnt baselines (failed_sessions models, syn_flood rates) kept here: read at start, "
      "written every snapshot_every_s and at exit (\"\": not kept)",
      [](const C& c) { return text(c.detect.snapshot_path); });
  add("detectors.snapshot_every_s", "seconds", "600", "how often the snapshot is written",
      [](const C& c) { return text(c.detect.snapshot_every_s); });
  add("detectors.login_ports", "list of ports", "[22, 2222]", "the services brute_force watches",
      [](const C& c) { return list(c.detect.login_ports, [](uint16_t p) { return p; }); });
  add_list("detectors.allowlist", "list of {prefix, role, detectors}",
           "addresses the detectors must not alert on");
  add("detectors.allowlist[].prefix", "prefix", "192.0.2.0/24", "the addresses",
      [](const C& c) { return first(c.detect.allowlist).prefix.to_string(); });
  required();
  add("detectors.allowlist[].role", "source, target or any", "source",
      "as the source (known scanners, monitoring), the target (load balancers, honeypots) or "
      "either",
      [](const C& c) { return role_name(first(c.detect.allowlist).role); });
  add("detectors.allowlist[].detectors", "list of detector names", "[port_scan, host_sweep]",
      "the detectors it applies to ([]: all)",
      [](const C& c) { return list(first(c.detect.allowlist).detectors); });

  // output
  add("output.sessions", "path", "/var/log/synwatch/sessions.jsonl",
      "decided sessions as JSON lines, appended to and reopened on SIGHUP (\"-\": standard "
      "output; \"\": none)",
      [](const C& c) { return text(c.output.sessions); });
  add("output.alerts", "path", "/var/log/synwatch/alerts.jsonl",
      "alert events as JSON lines (\"-\": standard output; \"\": none)",
      [](const C& c) { return text(c.output.alerts); });
  add("output.flush_interval_ms", "milliseconds", "500", "how often written lines reach the files",
      [](const C& c) { return text(c.output.flush_interval_ms); });
  add("output.alert_queue", "count", "8192",
      "alert events each slow sink (file, syslog) may fall behind; past it the newest are "
      "dropped and counted, and the detectors never wait",
      [](const C& c) { return text(c.output.alert_queue); });
  add("output.syslog.address", "HOST:PORT", "\"192.0.2.50:514\"",
      "alerts as RFC 5424 messages to this collector (\"\": none)",
      [](const C& c) { return text(c.output.syslog.address); });
  add("output.syslog.transport", "udp or tcp", "tcp", "tcp frames by octet counting (RFC 6587)",
      [](const C& c) {
        return std::string(
            c.output.syslog.transport == daemon::SyslogConfig::Transport::kTcp ? "tcp" : "udp");
      });
  add("output.syslog.facility", "facility name", "daemon",
      "kern .. local7 (RFC 5424 section 6.2.1)",
      [](const C& c) { return daemon::syslog_facility_name(c.output.syslog.facility); });
  add("output.syslog.hostname", "string", "collector-1",
      "HOSTNAME of each message (\"\": this machine's name)",
      [](const C& c) { return text(c.output.syslog.hostname); });
  add("output.syslog.app_name", "string", "synwatch-dc1", "APP-NAME of each message",
      [](const C& c) { return text(c.output.syslog.app_name); });

  // metrics
  add("metrics.listen", "HOST:PORT", "\"0.0.0.0:9610\"",
      "where Prometheus scrapes /metrics (\"\": none); IPv4 only (Debian's CivetWeb has no "
      "IPv6); an address given must bind, or the daemon does not start",
      [](const C& c) { return text(c.metrics.listen); });

  // api
  add("api.listen", "HOST:PORT", "\"0.0.0.0:50051\"",
      "the gRPC API (synwatchctl) (\"\": none); beyond loopback it needs api.tls",
      [](const C& c) { return text(c.api.listen); });
  add("api.alert_history", "count", "20000",
      "alert events kept, so that a stream resumed with --since misses none",
      [](const C& c) { return text(c.api.alert_history); });
  add("api.max_subscribers", "count", "32", "alert streams at once",
      [](const C& c) { return text(c.api.max_subscribers); });
  add("api.subscriber_stall_s", "seconds", "60",
      "a stream that takes nothing for this long is ended (it resumes with --since)",
      [](const C& c) { return text(c.api.subscriber_stall_s); });
  add("api.recent_sessions", "count", "131072", "decided sessions kept for lookup",
      [](const C& c) { return text(c.api.recent_sessions); });
  add("api.top_keys", "count", "2048", "keys per minute and dimension kept for `top failed`",
      [](const C& c) { return text(c.api.top_keys); });
  add_file("api.tls.cert", "path to a PEM file", "/etc/synwatch/tls/server.crt",
           "the server's certificate chain; with tls.key, the API speaks TLS only", "\"\"");
  add_file("api.tls.key", "path to a PEM file", "/etc/synwatch/tls/server.key",
           "the certificate's private key", "\"\"");
  add_file("api.tls.client_ca", "path to a PEM file", "/etc/synwatch/tls/clients.crt",
           "clients must show a certificate signed by this CA (mutual TLS)", "\"\"");
  add_list("api.tokens", "list of {name, file}",
           "bearer tokens; with any, every call needs one, and changes are logged with its name");
  add("api.tokens[].name", "string", "noc", "who the token is: logged with each change made",
      [](const C& c) { return text(first(c.api.tokens).name); });
  required();
  add_file("api.tokens[].file", "path", "/etc/synwatch/tokens/noc",
           "the file holding the token, at least 16 characters (surrounding whitespace is "
           "trimmed)",
           "\"\"");
  required();

  // signatures
  add("signatures.scan_bytes", "bytes", "512", "payload bytes scanned of each sampled packet",
      [](const C& c) { return text(c.signatures.scan_bytes); });
  add_list("signatures.rules", "list of rules",
           "the operator's own rules, matched before those of rule_files");
  add("signatures.rules[].id", "string", "ssh-banner", "names the rule in errors and metrics",
      [](const C& c) { return text(first(c.signatures.rules).id); });
  required();
  add("signatures.rules[].expression", "regular expression", "\"^SSH-\"",
      "a Hyperscan (PCRE subset) expression",
      [](const C& c) { return text(first(c.signatures.rules).expression); });
  required();
  add("signatures.rules[].target", "target name", "payload",
      "what it scans: payload, application_name, interface_name, interface_description, "
      "http_host, http_url or http_user_agent",
      [](const C& c) {
        return std::string(decode::scan_target_name(first(c.signatures.rules).target));
      });
  required();
  add("signatures.rules[].flags", "list of flags", "[caseless]", "caseless, dotall, multiline",
      [](const C& c) { return rule_flags(first(c.signatures.rules)); });
  add("signatures.rules[].label", "string", "ssh",
      "what a match says the session was (interface targets: external or internal)",
      [](const C& c) { return text(first(c.signatures.rules).label); });
  required();
  add_file("signatures.rule_files", "list of paths", "[/etc/synwatch/signatures/default.yaml]",
           "rule packs: YAML files whose `rules:` list has the form of signatures.rules", "[]");
  return rows;
}

// Each detector's parameters, from its visit(): "detectors.port_scan.ports".
class DetectorRows {
 public:
  DetectorRows(std::vector<Setting>& rows, const char* detector)
      : rows_(rows), detector_(detector) {}
  void operator()(const char* name, bool&, const char* meaning) {
    add(name, "true or false", "", meaning);
  }
  void operator()(const char* name, uint32_t&, uint32_t min, uint32_t max, const char* meaning) {
    const bool seconds = std::string_view(name).ends_with("_s");
    add(name, seconds ? "seconds" : "count", text(min) + ".." + text(max), meaning);
  }
  void operator()(const char* name, double&, double min, double max, const char* meaning) {
    add(name, "number", text(min) + ".." + text(max), meaning);
  }

 private:
  void add(const char* name, const char* form, std::string range, const char* meaning) {
    const std::string detector = detector_;
    const std::string param = name;
    auto value = [detector, param](const C& c) {
      std::string out;
      detect::DetectConfig copy = c.detect;  // visit() takes mutable fields
      detect::for_each_detector(copy, [&](const char* d, auto& per) {
        if (detector != d) return;
        per[0].visit([&](const char* n, auto& v, auto...) {
          if (param == n) out = text(v);
        });
      });
      return out;
    };
    const std::string example = value(C{});
    rows_.push_back({"detectors." + detector + "." + param, form, std::move(range), example,
                     meaning, value, ""});
  }
  std::vector<Setting>& rows_;
  const char* detector_;
};

std::vector<Setting> all_settings() {
  std::vector<Setting> rows = section_settings();
  const auto ranges = checked_ranges();
  for (auto& row : rows)
    if (auto it = ranges.find(row.path); it != ranges.end() && row.form != "facility name")
      row.range = it->second;
  // The detectors' parameters go after the detectors' general settings.
  auto after = std::find_if(rows.begin(), rows.end(),
                            [](const Setting& s) { return s.path.rfind("output.", 0) == 0; });
  std::vector<Setting> detector_rows;
  detect::DetectConfig defaults;
  detect::for_each_detector(defaults, [&](const char* name, auto& per) {
    DetectorRows add(detector_rows, name);
    per[0].visit(add);
  });
  rows.insert(after, detector_rows.begin(), detector_rows.end());
  return rows;
}

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
      diagonal = up;
    }
  }
  return row[b.size()];
}

// The top-level sections, in order, with what the reference says of each.
struct Section {
  const char* name;
  const char* about;
};
constexpr Section kSections[] = {
    {"decoder",
     "How export packets are read: bounds on what each exporter may make a worker "
     "keep, and exporter quirks. See [Decoding flow exports](decoding.md)."},
    {"sessions",
     "How records become TCP sessions, and your address space. See "
     "[TCP sessions](sessions.md)."},
    {"dataplane",
     "Where exports come in (DPDK ports or kernel sockets), the worker CPUs and "
     "their memory. See [Running synwatchd](daemon.md) and "
     "[Operating synwatch](operations.md)."},
    {"detectors",
     "The detectors. Every detector's parameters apply to all four perspectives; "
     "a perspective's own mapping (`inbound:`, `outbound:`, `private:`, `edge:`) "
     "overrides any of them for that perspective, e.g. "
     "`port_scan: {ports: 15, inbound: {ports: 30}}`. Detector settings apply at "
     "once on SIGHUP or `synwatchctl config apply`. See "
     "[Detectors and alerts](detectors.md)."},
    {"output", "Where decided sessions and alerts go. See [Running synwatchd](daemon.md)."},
    {"metrics", "The Prometheus endpoint. See [Running synwatchd](daemon.md)."},
    {"api", "The gRPC API that synwatchctl uses. See [The gRPC API and synwatchctl](api.md)."},
    {"signatures",
     "Rules that label sessions by their payload or exported strings, and tell "
     "interface roles. See [Signatures](signatures.md)."},
};

std::string table_cell(std::string s) {
  for (size_t at = 0; (at = s.find('|', at)) != std::string::npos; at += 2)
    s.replace(at, 1, "\\|");
  return s;
}

}  // namespace

std::map<std::string, std::string> checked_ranges() {
  const C c;
  std::map<std::string, std::string> out;
  auto take = [&](const std::string& section, const std::vector<SettingBound>& bounds) {
    for (const auto& b : bounds)
      out[section + "." + b.field] = text(b.min) + ".." + text(b.max);
  };
  take("decoder", c.decoder.bounds());
  take("sessions", c.sessions.bounds());
  take("dataplane", c.dataplane.bounds());
  take("dataplane.ports[]", daemon::PortConfig{}.bounds());
  take("detectors", c.detect.bounds());
  take("output", c.output.bounds());
  take("api", c.api.bounds());
  take("signatures", c.signatures.bounds());
  return out;
}

std::string Setting::default_text() const {
  return value ? value(SynwatchConfig{}) : fixed_default;
}

const std::vector<Setting>& config_settings() {
  static const std::vector<Setting> rows = all_settings();
  return rows;
}

bool is_setting(std::string_view path) {
  for (const auto& s : config_settings()) {
    const std::string_view p = s.path;
    if (p == path) return true;
    if (p.size() > path.size() && p.substr(0, path.size()) == path &&
        (p[path.size()] == '.' || p.substr(path.size(), 2) == "[]"))
      return true;
  }
  return false;
}

std::string unknown_setting(std::string_view section, std::string_view key) {
  const std::string prefix = std::string(section) + ".";
  std::string nearest;
  size_t best = std::max<size_t>(2, key.size() / 3) + 1;
  for (const auto& s : config_settings()) {
    if (s.path.rfind(prefix, 0) != 0) continue;
    std::string name = s.path.substr(prefix.size());
    name = name.substr(0, name.find_first_of(".["));
    if (const size_t d = edit_distance(key, name); d < best) best = d, nearest = name;
  }
  return nearest.empty() ? "unknown setting" : "unknown setting (did you mean " + nearest + "?)";
}

std::string config_reference() {
  std::ostringstream out;
  out << "# Configuration reference\n\n"
         "Every setting of the configuration file (`/etc/synwatch/synwatch.yaml` as packaged),\n"
         "printed from the configuration schema by `synwatchd --config-reference` (a test fails\n"
         "when this file falls behind; the parser refuses any setting that is not here).\n"
         "Every setting is optional. `synwatchd --check-config --config FILE` checks a file\n"
         "without starting; an error names the setting and the reason, and a file with any\n"
         "error changes nothing. On SIGHUP the daemon reloads the file: detector settings\n"
         "apply at once, others need a restart (the daemon says which).\n\n"
         "Durations in flow time follow the exporters' clocks, not the wall clock; a list\n"
         "item's fields are written `list[].field`.\n";
  for (const Section& section : kSections) {
    const std::string prefix = std::string(section.name) + ".";
    out << "\n## " << section.name << "\n\n" << section.about << "\n";
    std::string table;  // the current table's detector, "" for the section's own
    bool open = false;
    for (const auto& s : config_settings()) {
      if (s.path.rfind(prefix, 0) != 0) continue;
      std::string name = s.path.substr(prefix.size());
      std::string heading;
      if (std::string_view(section.name) == "detectors") {
        const size_t dot = name.find('.');
        if (dot != std::string::npos && name.find('[') == std::string::npos) {
          heading = name.substr(0, dot);
          name = name.substr(dot + 1);
        }
      }
      if (!open || heading != table) {
        if (!heading.empty()) out << "\n### " << heading << "\n";
        out << "\n| setting | value | default | meaning |\n|---|---|---|---|\n";
        table = heading;
        open = true;
      }
      std::string value = s.form;
      if (!s.range.empty())
        value += ", " + s.range;
      else if (!s.example.empty() && s.form != "true or false")
        value += ", e.g. `" + s.example + "`";
      const std::string fallback = s.default_text();
      out << "| `" << name << "` | " << table_cell(value) << " | "
          << (s.required ? "required" : "`" + table_cell(fallback) + "`") << " | "
          << table_cell(s.meaning) << " |\n";
    }
  }
  return out.str();
}

}  // namespace synwatch::config
