#include "control/metrics/metrics_config.h"

#include <charconv>

#include "dataplane/wire/ip_address.h"

namespace synwatch::control {

std::string parse_listen(const std::string& text, ListenAddress& out) {
  const std::string problem = "'" + text + "' is not HOST:PORT (an IP address and a port, [IPv6]:PORT)";
  const size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) return problem;
  ListenAddress a;
  a.host = text.substr(0, colon);
  if (a.host.front() == '[') {
    if (a.host.size() < 3 || a.host.back() != ']') return problem;
    a.host = a.host.substr(1, a.host.size() - 2);
    a.ipv6 = true;
  } else if (a.host.find(':') != std::string::npos) {
    return problem;  // an IPv6 address needs its brackets
  }
  wire::IpAddress address;
  if (!wire::IpAddress::parse(a.host, address)) return problem;
  const std::string port = text.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535)
    return "'" + port + "' is not a port (0..65535)";
  a.port = static_cast<uint16_t>(value);
  out = a;
  return {};
}

std::string MetricsConfig::validate() const {
  if (listen.empty()) return {};
  ListenAddress unused;
  const std::string problem = parse_listen(listen, unused);
  return problem.empty() ? problem : "listen: " + problem;
}

}  // namespace synwatch::control
