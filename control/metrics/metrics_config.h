// The `metrics:` section: where Prometheus scrapes synwatchd's /metrics.
//
//   metrics:
//     listen: 127.0.0.1:9610   # HOST:PORT or [IPv6]:PORT; "" serves no metrics
#pragma once

#include <string>

namespace synwatch::control {

struct MetricsConfig {
  std::string listen = "127.0.0.1:9610";  // loopback only unless the operator opens it
  // The file or the command line named the address: failing to listen on it stops the
  // daemon. The default only warns (another synwatchd on the box may hold the port).
  bool listen_set = false;
  // "" when valid, else "listen: reason".
  std::string validate() const;
};

}  // namespace synwatch::control
