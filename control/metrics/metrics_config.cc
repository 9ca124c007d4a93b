#include "control/metrics/metrics_config.h"

#include <charconv>

#include "dataplane/wire/ip_address.h"

namespace synwatch::control {

std::string MetricsConfig::validate() const {
  if (listen.empty()) return {};
  const std::string problem = "listen: '" + listen + "' is not HOST:PORT (an IP address and a port, [IPv6]:PORT)";
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return problem;
  std::string host = listen.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return problem;
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return problem;  // an IPv6 address needs its brackets
  }
  wire::IpAddress address;
  if (!wire::IpAddress::parse(host, address)) return problem;
  const std::string port = listen.substr(colon + 1);
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535)
    return "listen: '" + port + "' is not a port (0..65535)";
  return {};
}

}  // namespace synwatch::control
