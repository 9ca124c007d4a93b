#include "control/metrics/metrics_config.h"

#include <arpa/inet.h>
#include <civetweb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

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

// Why `listen` cannot be bound, in the kernel's words ("Address already in use"); ""
// when a plain bind works. CivetWeb only says that it failed.
std::string bind_problem(const std::string& listen) {
  ListenAddress l;
  if (!parse_listen(listen, l).empty()) return {};
  sockaddr_storage address{};
  socklen_t length;
  if (l.ipv6) {
    auto* a = reinterpret_cast<sockaddr_in6*>(&address);
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(l.port);
    if (inet_pton(AF_INET6, l.host.c_str(), &a->sin6_addr) != 1) return {};
    length = sizeof(sockaddr_in6);
  } else {
    auto* a = reinterpret_cast<sockaddr_in*>(&address);
    a->sin_family = AF_INET;
    a->sin_port = htons(l.port);
    if (inet_pton(AF_INET, l.host.c_str(), &a->sin_addr) != 1) return {};
    length = sizeof(sockaddr_in);
  }
  const int fd = ::socket(address.ss_family, SOCK_STREAM, 0);
  if (fd < 0) return std::strerror(errno);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  std::string problem;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), length) != 0) problem = std::strerror(errno);
  ::close(fd);
  return problem;
}

std::string MetricsConfig::validate() const {
  if (listen.empty()) return {};
  ListenAddress address;
  if (std::string problem = parse_listen(listen, address); !problem.empty()) return "listen: " + problem;
  // Debian's CivetWeb is built without IPv6 (mg_check_feature: 8 is IPv6): it would
  // refuse the address only at start, with no reason given.
  if (address.ipv6 && mg_check_feature(8) == 0)
    return "listen: " + listen + ": the metrics HTTP server (CivetWeb) of this build has no IPv6; use an "
           "IPv4 address (0.0.0.0:" + std::to_string(address.port) + " for all of them)";
  return {};
}

}  // namespace synwatch::control
