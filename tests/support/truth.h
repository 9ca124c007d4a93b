// truth.json (DESIGN.md section 7): per-connection Zeek state computed from the raw
// packets, read for comparison with the sessions synwatch derives from flow exports.
#pragma once

#include <filesystem>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace synwatch::testing {

struct TruthSession {
  std::string client, server;
  uint16_t client_port = 0, server_port = 0;
  int ipv = 4;
  std::string state, perspective;
  bool established = false;
};

struct Truth {
  std::vector<std::string> internal_prefixes;
  std::vector<TruthSession> sessions;
};

bool load_truth(const std::filesystem::path& path, Truth& out, std::string& error);

// A TCP connection's 5-tuple with its two ends in a fixed order (the lower first), so
// either direction finds it: how truth and sessions are matched.
using Endpoint = std::pair<std::string, uint16_t>;
using TupleKey = std::pair<Endpoint, Endpoint>;
inline TupleKey tuple_of(const std::string& a, uint16_t ap, const std::string& b, uint16_t bp) {
  Endpoint x{a, ap}, y{b, bp};
  return x < y ? TupleKey{x, y} : TupleKey{y, x};
}

}  // namespace synwatch::testing
