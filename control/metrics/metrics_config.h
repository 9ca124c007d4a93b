// The `metrics:` section: where Prometheus scrapes synwatchd's /metrics.
//
//   metrics:
//     listen: 127.0.0.1:9610   # IPv4 HOST:PORT (CivetWeb here has no IPv6); "" serves none
#pragma once

#include <cstdint>
#include <string>

namespace synwatch::control {

// A listen address taken apart: the host as written, without IPv6 brackets.
struct ListenAddress {
  std::string host;
  bool ipv6 = false;
  uint16_t port = 0;
};
// "" when `text` is HOST:PORT or [IPv6]:PORT, else the reason (for "listen: ...").
std::string parse_listen(const std::string& text, ListenAddress& out);

// Why `listen` cannot be bound, in the kernel's words ("Address already in use"); ""
// when a plain bind works. The HTTP and gRPC servers only say that they failed.
std::string bind_problem(const std::string& listen);

struct MetricsConfig {
  std::string listen = "127.0.0.1:9610";  // loopback only unless the operator opens it
  // The file or the command line named the address: failing to listen on it stops the
  // daemon. The default only warns (another synwatchd on the box may hold the port).
  bool listen_set = false;
  // "" when valid, else "listen: reason".
  std::string validate() const;
};

}  // namespace synwatch::control
