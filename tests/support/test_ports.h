// Loopback ports for tests that run programs: one range per test process, and a wait
// until a program has bound its port.
#pragma once

#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace synwatch::testing {

using namespace std::chrono_literals;

// A port no other test process uses at the same time.
inline uint16_t test_port(int offset) { return static_cast<uint16_t>(20000 + (getpid() % 4000) * 8 + offset); }

// True once some process has a socket bound to `port` on any IPv4 address: a UDP
// socket bound, or a TCP socket listening. Read from /proc/net, so it waits for a peer
// (rsyslogd, nfcapd) that says nothing when it is ready.
inline bool port_is_bound(uint16_t port, bool tcp) {
  std::ifstream table(tcp ? "/proc/net/tcp" : "/proc/net/udp");
  std::string line;
  std::getline(table, line);  // the header
  char wanted[8];
  std::snprintf(wanted, sizeof wanted, ":%04X", port);
  while (std::getline(table, line)) {
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    const bool ours = local.size() > 5 && local.compare(local.size() - 5, 5, wanted) == 0;
    if (ours && (!tcp || state == "0A")) return true;  // 0A: TCP_LISTEN
  }
  return false;
}

// Waits up to `limit` for port_is_bound().
inline bool wait_until_bound(uint16_t port, bool tcp, std::chrono::milliseconds limit = 20s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!port_is_bound(port, tcp)) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

}  // namespace synwatch::testing
