#include "control/config/synwatch_config.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "control/config/config_schema.h"

namespace synwatch::config {
namespace {

// Thrown inside the parser only (configuration loading, never the packet path).
struct ConfigError {
  std::string message;
};

[[noreturn]] void fail(const std::string& field, const std::string& reason) {
  throw ConfigError{field + ": " + reason};
}

uint32_t read_u32(const YAML::Node& n, const std::string& field) {
  if (!n.IsScalar()) fail(field, "expected a whole number");
  const std::string text = n.Scalar();
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    fail(field, "'" + text + "' is not a whole number");
  if (text.size() > 10 || std::stoull(text) > 0xffffffffULL) fail(field, "'" + text + "' is too large");
  return static_cast<uint32_t>(std::stoull(text));
}

double read_double(const YAML::Node& n, const std::string& field) {
  if (!n.IsScalar()) fail(field, "expected a number");
  const std::string text = n.Scalar();
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !std::isfinite(v)) fail(field, "'" + text + "' is not a number");
  return v;
}

bool read_bool(const YAML::Node& n, const std::string& field) {
  bool value;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, value)) fail(field, "expected true or false");
  return value;
}

std::string read_string(const YAML::Node& n, const std::string& field) {
  if (!n.IsScalar()) fail(field, "expected a string");
  return n.Scalar();
}

wire::IpAddress read_address(const YAML::Node& n, const std::string& field) {
  const std::string text = read_string(n, field);
  wire::IpAddress a;
  if (!wire::IpAddress::parse(text, a)) fail(field, "'" + text + "' is not an IPv4 or IPv6 address");
  return a;
}

template <typename F>
void each_key(const YAML::Node& map, const std::string& section, F&& on_key) {
  if (!map.IsMap()) fail(section, "expected a mapping of settings");
  for (const auto& kv : map) {
    const std::string key = kv.first.as<std::string>();
    if (!on_key(key, kv.second, section + "." + key)) fail(section + "." + key, "unknown setting");
  }
}

// each_key over a section of the schema (config_schema.h): a key the schema does not
// list is refused, so what the parser reads is exactly what the reference documents.
// `schema` is the section's path there: "decoder", "dataplane.ports[]".
template <typename F>
void each_setting(const YAML::Node& map, const std::string& field, const std::string& schema, F&& on_key) {
  each_key(map, field, [&](const std::string& key, const YAML::Node& v, const std::string& f) {
    if (!is_setting(schema + "." + key)) fail(f, unknown_setting(schema, key));
    return on_key(key, v, f);
  });
}

template <typename F>
void each_item(const YAML::Node& list, const std::string& field, F&& on_item) {
  if (!list.IsSequence()) fail(field, "expected a list");
  for (size_t i = 0; i < list.size(); ++i) on_item(list[i], field + "[" + std::to_string(i) + "]");
}

void parse_decoder(const YAML::Node& n, decode::DecoderConfig& d) {
  each_setting(n, "decoder", "decoder", [&](const std::string& key, const YAML::Node& v, const std::string& f) {
    if (key == "exporter_capacity") d.exporter_capacity = read_u32(v, f);
    else if (key == "template_capacity") d.template_capacity = read_u32(v, f);
    else if (key == "templates_per_exporter") d.templates_per_exporter = read_u32(v, f);
    else if (key == "template_timeout_s") d.template_timeout_s = read_u32(v, f);
    else if (key == "pending_slots") d.pending_slots = read_u32(v, f);
    else if (key == "pending_slot_bytes") d.pending_slot_bytes = read_u32(v, f);
    else if (key == "pending_per_exporter") d.pending_per_exporter = read_u32(v, f);
    else if (key == "pending_timeout_s") d.pending_timeout_s = read_u32(v, f);
    else if (key == "max_records_per_packet") d.max_records_per_packet = read_u32(v, f);
    else if (key == "clock_jump_s") d.clock_jump_s = read_u32(v, f);
    else if (key == "interface_capacity") d.interface_capacity = read_u32(v, f);
    else if (key == "interfaces_per_exporter") d.interfaces_per_exporter = read_u32(v, f);
    else if (key == "sampling_overrides") {
      d.sampling_overrides.clear();
      each_item(v, f, [&](const YAML::Node& item, const std::string& fi) {
        decode::SamplingOverride o;
        bool have_exporter = false, have_rate = false;
        each_setting(item, fi, "decoder.sampling_overrides[]", [&](const std::string& k, const YAML::Node& x, const std::string& fx) {
          if (k == "exporter") o.exporter = read_address(x, fx), have_exporter = true;
          else if (k == "rate") o.rate = read_u32(x, fx), have_rate = true;
          else return false;
          return true;
        });
        if (!have_exporter) fail(fi + ".exporter", "missing");
        if (!have_rate) fail(fi + ".rate", "missing");
        d.sampling_overrides.push_back(o);
      });
    } else {
      return false;
    }
    return true;
  });
  if (std::string problem = d.validate(); !problem.empty()) throw ConfigError{"decoder." + problem};
}

session::Service parse_service(const std::string& text, const std::string& field) {
  // "192.0.2.10:8443" or "[2001:db8::10]:8443"
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos) fail(field, "'" + text + "': expected ADDRESS:PORT");
  std::string addr = text.substr(0, colon);
  if (addr.size() > 2 && addr.front() == '[' && addr.back() == ']') addr = addr.substr(1, addr.size() - 2);
  session::Service s;
  if (!wire::IpAddress::parse(addr, s.address))
    fail(field, "'" + text + "': '" + addr + "' is not an IPv4 or IPv6 address");
  const std::string port = text.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(port) > 65535)
    fail(field, "'" + text + "': port must be 0..65535");
  s.port = static_cast<uint16_t>(std::stoul(port));
  return s;
}

void parse_sessions(const YAML::Node& n, session::SessionConfig& s) {
  each_setting(n, "sessions", "sessions", [&](const std::string& key, const YAML::Node& v, const std::string& f) {
    if (key == "capacity") s.capacity = read_u32(v, f);
    else if (key == "exporters") s.exporters = read_u32(v, f);
    else if (key == "answer_window_s") s.answer_window_s = read_u32(v, f);
    else if (key == "idle_timeout_s") s.idle_timeout_s = read_u32(v, f);
    else if (key == "max_lifetime_s") s.max_lifetime_s = read_u32(v, f);
    else if (key == "export_grace_s") s.export_grace_s = read_u32(v, f);
    else if (key == "join_exporters") s.join_exporters = read_bool(v, f);
    else if (key == "internal_prefixes" || key == "external_prefixes") {
      auto& list = key == "internal_prefixes" ? s.internal : s.external;
      list.clear();
      each_item(v, f, [&](const YAML::Node& item, const std::string& fi) {
        session::Prefix p;
        std::string error;
        if (!session::Prefix::parse(read_string(item, fi), p, error)) fail(fi, error);
        list.push_back(p);
      });
    } else if (key == "services") {
      s.services.clear();
      each_item(v, f, [&](const YAML::Node& item, const std::string& fi) {
        s.services.push_back(parse_service(read_string(item, fi), fi));
      });
    } else {
      return false;
    }
    return true;
  });
  if (std::string problem = s.validate(); !problem.empty()) throw ConfigError{"sessions." + problem};
}

std::vector<std::string> read_strings(const YAML::Node& v, const std::string& f) {
  std::vector<std::string> out;
  each_item(v, f, [&](const YAML::Node& item, const std::string& fi) { out.push_back(read_string(item, fi)); });
  return out;
}

std::vector<uint32_t> read_u32_list(const YAML::Node& v, const std::string& f) {
  std::vector<uint32_t> out;
  each_item(v, f, [&](const YAML::Node& item, const std::string& fi) { out.push_back(read_u32(item, fi)); });
  return out;
}

void parse_dataplane(const YAML::Node& n, daemon::DataplaneConfig& d, uint32_t cpu_count) {
  each_setting(n, "dataplane", "dataplane", [&](const std::string& key, const YAML::Node& v, const std::string& f) {
    if (key == "input") {
      const std::string kind = read_string(v, f);
      if (kind == "dpdk") d.input = daemon::InputKind::kDpdk;
      else if (kind == "udp") d.input = daemon::InputKind::kUdp;
      else fail(f, "'" + kind + "' is not an input (expected dpdk or udp)");
    } else if (key == "lcores") d.lcores = read_u32_list(v, f);
    else if (key == "main_lcore") d.main_lcore = static_cast<int32_t>(read_u32(v, f));
    else if (key == "no_huge") d.no_huge = read_bool(v, f), d.no_huge_set = true;
    else if (key == "memory_mb") d.memory_mb = read_u32(v, f), d.memory_mb_set = true;
    else if (key == "mbufs_per_socket") d.mbufs_per_socket = read_u32(v, f);
    else if (key == "handoff_ring_size") d.handoff_ring_size = read_u32(v, f);
    else if (key == "reassembly_flows") d.reassembly_flows = read_u32(v, f);
    else if (key == "reassembly_timeout_ms") d.reassembly_timeout_ms = read_u32(v, f);
    else if (key == "eal_args") d.eal_args = read_strings(v, f);
    else if (key == "udp_listen") {
      d.udp_listen = read_strings(v, f);
      for (size_t i = 0; i < d.udp_listen.size(); ++i) {
        wire::IpAddress a;
        if (!wire::IpAddress::parse(d.udp_listen[i], a))
          fail(f + "[" + std::to_string(i) + "]", "'" + d.udp_listen[i] + "' is not an IPv4 or IPv6 address");
      }
    } else if (key == "udp_ports") d.udp_ports = read_u32_list(v, f);
    else if (key == "udp_receive_buffer_kb") d.udp_receive_buffer_kb = read_u32(v, f);
    else if (key == "ports") {
      d.ports.clear();
      each_item(v, f, [&](const YAML::Node& item, const std::string& fi) {
        daemon::PortConfig p;
        each_setting(item, fi, "dataplane.ports[]", [&](const std::string& k, const YAML::Node& x, const std::string& fx) {
          if (k == "device") p.device = read_string(x, fx);
          else if (k == "rx_queues") p.rx_queues = read_u32(x, fx);
          else if (k == "rx_descriptors") p.rx_descriptors = read_u32(x, fx);
          else return false;
          return true;
        });
        d.ports.push_back(p);
      });
    } else {
      return false;
    }
    return true;
  });
  if (std::string problem = d.validate(cpu_count, false); !problem.empty())
    throw ConfigError{"dataplane." + problem};
}

// Sets the field of a detector's parameters that `key` names, with its bounds.
class ParamSetter {
 public:
  ParamSetter(const std::string& key, const YAML::Node& value, const std::string& field)
      : key_(key), value_(value), field_(field) {}
  void operator()(const char* name, bool& v, const char*) {
    if (key_ == name) v = read_bool(value_, field_), found = true;
  }
  void operator()(const char* name, uint32_t& v, uint32_t min, uint32_t max, const char*) {
    if (key_ != name) return;
    v = read_u32(value_, field_);
    if (v < min || v > max)
      fail(field_, std::to_string(v) + " is outside " + std::to_string(min) + ".." + std::to_string(max));
    found = true;
  }
  void operator()(const char* name, double& v, double min, double max, const char*) {
    if (key_ != name) return;
    v = read_double(value_, field_);
    if (v < min || v > max) fail(field_, value_.Scalar() + " is outside " + format(min) + ".." + format(max));
    found = true;
  }
  bool found = false;

 private:
  static std::string format(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
  }
  const std::string& key_;
  const YAML::Node& value_;
  const std::string& field_;
};

// A detector's settings: plain keys apply to every perspective, then a perspective's
// own map (inbound:, outbound:, private:, edge:) overrides them for that perspective.
template <typename Params>
void parse_detector(const YAML::Node& n, const std::string& section, detect::PerPerspective<Params>& per) {
  auto set_all = [&](const std::string& key, const YAML::Node& v, const std::string& f) {
    bool found = false;
    for (size_t p = 0; p + 1 < per.size(); ++p) {
      ParamSetter set(key, v, f);
      per[p].visit(set);
      found = set.found;
    }
    return found;
  };
  auto perspective_of = [](const std::string& key) -> int {
    for (size_t p = 0; p + 1 < session::kPerspectiveCount; ++p)
      if (key == session::perspective_name(static_cast<session::Perspective>(p))) return static_cast<int>(p);
    return -1;
  };
  // The parameters come from visit(), as the reference's rows do: nothing to gate here,
  // only the nearest parameter to suggest.
  each_key(n, section, [&](const std::string& key, const YAML::Node& v, const std::string& f) {
    if (perspective_of(key) < 0 && !set_all(key, v, f)) fail(f, unknown_setting(section, key));
    return true;
  });
  each_key(n, section, [&](const std::string& key, const YAML::Node& v, const std::string& f) {
    const int p = perspective_of(key);
    if (p < 0) return true;
    each_key(v, f, [&](const std::string& k, const YAML::Node& x, const std::string& fx) {
      ParamSetter set(k, x, fx);
      per[static_cast<size_t>(p)].visit(set);
      if (!set.found) fail(fx, unknown_setting(section, k));
      return true;
    });
    return true;
  });
}

void parse_allowlist(const YAML::Node& v, const std::string& f, std::vector<detect::AllowEntry>& out) {
  out.clear();
  each_item(v, f, [&](const YAML::Node& item, const std::string& fi) {
    detect::AllowEntry e;
    bool have_prefix = false;
    each_setting(item, fi, "detectors.allowlist[]", [&](const std::string& k, const YAML::Node& x, const std::string& fx) {
      if (k == "prefix") {
        std::string error;
        if (!session::Prefix::parse(read_string(x, fx), e.prefix, error)) fail(fx, error);
        have_prefix = true;
      } else if (k == "role") {
        const std::string role = read_string(x, fx);
        if (role == "source") e.role = detect::AllowEntry::Role::kSource;
        else if (role == "target") e.role = detect::AllowEntry::Role::kTarget;
        else if (role == "any") e.role = detect::AllowEntry::Role::kAny;
        else fail(fx, "'" + role + "' is not a role (expected source, target or any)");
      } else if (k == "detectors") {
        e.detectors = read_strings(x, fx);
        for (size_t i = 0; i < e.detectors.size(); ++i) {
          bool known = false;
          detect::DetectConfig names;
          detect::for_each_detector(names, [&](const char* name, auto&) { known = known || e.detectors[i] == name; });
          if (!known) fail(fx + "[" + std::to_string(i) + "]", "'" + e.detectors[i] + "' is not a detector");
        }
      } else {
        return false;
      }
      return true;
    });
    if (!have_prefix) fail(fi + ".prefix", "missing");
    out.push_back(e);
  });
}

void parse_detectors(const YAML::Node& n, detect::DetectConfig& d) {
  each_setting(n, "detectors", "detectors", [&](const std::string& key, const YAML::Node& v, const std::string& f) {
    bool known = true;
    if (key == "enabled") d.enabled = read_bool(v, f);
    else if (key == "interval_s") d.interval_s = read_u32(v, f);
    else if (key == "keys_per_interval") d.keys_per_interval = read_u32(v, f);
    else if (key == "contacts") d.contacts = read_u32(v, f);
    else if (key == "tracked_keys") d.tracked_keys = read_u32(v, f);
    else if (key == "partitions") d.partitions = read_u32(v, f);
    else if (key == "update_every_s") d.update_every_s = read_u32(v, f);
    else if (key == "snapshot") d.snapshot_path = read_string(v, f);
    else if (key == "snapshot_every_s") d.snapshot_every_s = read_u32(v, f);
    else if (key == "login_ports") {
      d.login_ports.clear();
      for (uint32_t port : read_u32_list(v, f)) {
        if (port == 0 || port > 65535) fail(f, std::to_string(port) + " is not a port (1..65535)");
        d.login_ports.push_back(static_cast<uint16_t>(port));
      }
    } else if (key == "allowlist") parse_allowlist(v, f, d.allowlist);
    else {
      known = false;
      detect::for_each_detector(d, [&](const char* name, auto& per) {
        if (key == name) parse_detector(v, f, per), known = true;
      });
    }
    return known;
  });
  if (std::string problem = d.validate(); !problem.empty()) throw ConfigError{"detectors." + problem};
}

void parse_syslog(const YAML::Node& n, const std::string& field, daemon::SyslogConfig& s) {
  each_setting(n, field, "output.syslog", [&](const std::string& key, const YAML::Node& v, const std::string& f) {
    if (key == "address") s.address = read_string(v, f);
    else if (key == "transport") {
      const std::string t = read_string(v, f);
      if (t == "udp") s.transport = daemon::SyslogConfig::Transport::kUdp;
      else if (t == "tcp") s.transport = daemon::SyslogConfig::Transport::kTcp;
      else fail(f, "'" + t + "': expected udp or tcp");
    } else if (key == "facility") {
      const std::string name = read_string(v, f);
      if (!daemon::parse_syslog_facility(name, s.facility))
        fail(f, "'" + name + "': expected a facility name (daemon, local0 .. local7, ...)");
    } else if (key == "hostname") s.hostname = read_string(v, f);
    else if (key == "app_name") s.app_name = read_string(v, f);
    else return false;
    return true;
  });
  if (!s.enabled()) fail(field + ".address", "missing");
}

void parse_output(const YAML::Node& n, daemon::OutputConfig& o) {
  each_setting(n, "output", "output", [&](const std::string& key, const YAML::Node& v, const std::string& f) {
    if (key == "sessions") o.sessions = read_string(v, f);
    else if (key == "alerts") o.alerts = read_string(v, f);
    else if (key == "flush_interval_ms") o.flush_interval_ms = read_u32(v, f);
    else if (key == "alert_queue") o.alert_queue = read_u32(v, f);
    else if (key == "syslog") parse_syslog(v, f, o.syslog);
    else return false;
    return true;
  });
  if (std::string problem = o.validate(); !problem.empty()) throw ConfigError{"output." + problem};
}

void parse_metrics(const YAML::Node& n, control::MetricsConfig& m) {
  each_setting(n, "metrics", "metrics", [&](const std::string& key, const YAML::Node& v, const std::string& f) {
    if (key != "listen") return false;
    m.listen = read_string(v, f);
    m.listen_set = true;
    return true;
  });
  if (std::string problem = m.validate(); !problem.empty()) throw ConfigError{"metrics." + problem};
}

// The text of a file a setting names: a regular file of at most 16 MiB (not a device
// or a pipe that never ends).
std::string read_named_file(const std::string& path, const std::string& field) {
  constexpr uintmax_t kMaxBytes = 16u << 20;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) fail(field, "cannot read '" + path + "'");
  if (!std::filesystem::is_regular_file(path, ec)) fail(field, "'" + path + "' is not a regular file");
  if (std::filesystem::file_size(path, ec) > kMaxBytes) fail(field, "'" + path + "' is larger than 16 MiB");
  std::ifstream in(path);
  if (!in) fail(field, "cannot read '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A secret or certificate named by its path: the file's text, read now so that a
// missing or unreadable file is a configuration error, not a failure at start.
std::string read_file_setting(const YAML::Node& n, const std::string& field, bool trim) {
  const std::string path = read_string(n, field);
  std::string s = read_named_file(path, field);
  if (trim) {
    const size_t first = s.find_first_not_of(" \t\r\n");
    s = first == std::string::npos ? "" : s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
  }
  if (s.empty()) fail(field, "'" + path + "' is empty");
  return s;
}

void parse_api(const YAML::Node& n, control::ApiConfig& a) {
  each_setting(n, "api", "api", [&](const std::string& key, const YAML::Node& v, const std::string& f) {
    if (key == "listen") a.listen = read_string(v, f), a.listen_set = true;
    else if (key == "alert_history") a.alert_history = read_u32(v, f);
    else if (key == "max_subscribers") a.max_subscribers = read_u32(v, f);
    else if (key == "subscriber_stall_s") a.subscriber_stall_s = read_u32(v, f);
    else if (key == "recent_sessions") a.recent_sessions = read_u32(v, f);
    else if (key == "top_keys") a.top_keys = read_u32(v, f);
    else if (key == "tls") {
      each_setting(v, f, "api.tls", [&](const std::string& k, const YAML::Node& file, const std::string& ff) {
        if (k == "cert") a.tls_cert = read_file_setting(file, ff, false);
        else if (k == "key") a.tls_key = read_file_setting(file, ff, false);
        else if (k == "client_ca") a.tls_client_ca = read_file_setting(file, ff, false);
        else return false;
        return true;
      });
    } else if (key == "tokens") {
      a.tokens.clear();
      each_item(v, f, [&](const YAML::Node& item, const std::string& fi) {
        control::ApiToken t;
        each_setting(item, fi, "api.tokens[]", [&](const std::string& k, const YAML::Node& x, const std::string& fx) {
          if (k == "name") t.name = read_string(x, fx);
          else if (k == "file") t.secret = read_file_setting(x, fx, true);
          else return false;
          return true;
        });
        if (t.secret.empty()) fail(fi + ".file", "missing");
        a.tokens.push_back(std::move(t));
      });
    } else {
      return false;
    }
    return true;
  });
  if (std::string problem = a.validate(); !problem.empty()) throw ConfigError{"api." + problem};
}

void parse_rule(const YAML::Node& item, const std::string& field, signature::SignatureRule& r) {
  bool have_target = false;
  each_setting(item, field, "signatures.rules[]", [&](const std::string& k, const YAML::Node& x, const std::string& fx) {
    if (k == "id") r.id = read_string(x, fx);
    else if (k == "expression") r.expression = read_string(x, fx);
    else if (k == "label") r.label = read_string(x, fx);
    else if (k == "target") {
      const std::string t = read_string(x, fx);
      if (!decode::parse_scan_target(t, r.target))
        fail(fx, "'" + t + "' is not a target (expected payload, application_name, interface_name, "
                 "interface_description, http_host, http_url or http_user_agent)");
      have_target = true;
    } else if (k == "flags") {
      for (const std::string& flag : read_strings(x, fx)) {
        if (flag == "caseless") r.caseless = true;
        else if (flag == "dotall") r.dotall = true;
        else if (flag == "multiline") r.multiline = true;
        else fail(fx, "'" + flag + "' is not a flag (expected caseless, dotall or multiline)");
      }
    } else {
      return false;
    }
    return true;
  });
  if (!have_target) fail(field + ".target", "missing");
}

void parse_rules(const YAML::Node& v, const std::string& f, std::vector<signature::SignatureRule>& out) {
  each_item(v, f, [&](const YAML::Node& item, const std::string& fi) {
    signature::SignatureRule r;
    parse_rule(item, fi, r);
    r.where = fi.substr(fi.rfind("signatures.", 0) == 0 ? std::string("signatures.").size() : 0);
    out.push_back(std::move(r));
  });
}

// A rule pack: a YAML file whose `rules:` list has the same form as signatures.rules.
void parse_rule_file(const YAML::Node& n, const std::string& field, std::vector<signature::SignatureRule>& out) {
  const std::string path = read_string(n, field);
  const std::string text = read_named_file(path, field);
  const std::string where = field + " (" + path + ")";
  try {
    const YAML::Node root = YAML::Load(text);
    each_key(root, where, [&](const std::string& key, const YAML::Node& v, const std::string& f) {
      if (key != "rules") return false;
      parse_rules(v, f, out);
      return true;
    });
  } catch (const YAML::Exception& e) {
    fail(where, "line " + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
}

void parse_signatures(const YAML::Node& n, signature::SignatureConfig& s) {
  std::vector<signature::SignatureRule> inline_rules, file_rules;
  each_setting(n, "signatures", "signatures", [&](const std::string& key, const YAML::Node& v, const std::string& f) {
    if (key == "scan_bytes") s.scan_bytes = read_u32(v, f);
    else if (key == "rules") parse_rules(v, f, inline_rules);
    else if (key == "rule_files") each_item(v, f, [&](const YAML::Node& item, const std::string& fi) {
        parse_rule_file(item, fi, file_rules);
      });
    else return false;
    return true;
  });
  // Inline rules first: an operator's own rules win over a shipped pack's.
  s.rules = std::move(inline_rules);
  s.rules.insert(s.rules.end(), file_rules.begin(), file_rules.end());
  if (std::string problem = s.validate(); !problem.empty()) throw ConfigError{"signatures." + problem};
}

}  // namespace

std::string parse_config(const std::string& yaml, SynwatchConfig& out, uint32_t cpu_count) {
  SynwatchConfig next = out;
  try {
    const YAML::Node root = YAML::Load(yaml);
    if (root.IsNull()) return {};
    each_key(root, "", [&](const std::string& key, const YAML::Node& v, const std::string&) {
      if (key == "decoder") parse_decoder(v, next.decoder);
      else if (key == "sessions") parse_sessions(v, next.sessions);
      else if (key == "dataplane") parse_dataplane(v, next.dataplane, cpu_count);
      else if (key == "detectors") parse_detectors(v, next.detect);
      else if (key == "output") parse_output(v, next.output);
      else if (key == "metrics") parse_metrics(v, next.metrics);
      else if (key == "api") parse_api(v, next.api);
      else if (key == "signatures") parse_signatures(v, next.signatures);
      else fail(key, "unknown section (expected decoder, sessions, detectors, dataplane, output, metrics, api, "
                     "signatures)");
      return true;
    });
  } catch (const ConfigError& e) {
    return e.message.rfind(".", 0) == 0 ? e.message.substr(1) : e.message;
  } catch (const YAML::Exception& e) {
    return "line " + std::to_string(e.mark.line + 1) + ": " + e.msg;
  }
  out = std::move(next);
  return {};
}

std::string load_config_file(const std::string& path, SynwatchConfig& out, uint32_t cpu_count) {
  std::ifstream in(path);
  if (!in) return path + ": cannot read";
  std::ostringstream text;
  text << in.rdbuf();
  std::string problem = parse_config(text.str(), out, cpu_count);
  return problem.empty() ? problem : path + ": " + problem;
}

}  // namespace synwatch::config
