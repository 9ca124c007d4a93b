// truth.json (DESIGN.md section 7): per-connection Zeek state computed from the raw
// packets, read for comparison with the sessions synwatch derives from flow exports.
#pragma once

#include <filesystem>
#include <string>
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

}  // namespace synwatch::testing
