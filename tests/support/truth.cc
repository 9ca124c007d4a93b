#include "tests/support/truth.h"

#include <fstream>
#include <nlohmann/json.hpp>

namespace synwatch::testing {

bool load_truth(const std::filesystem::path& path, Truth& out, std::string& error) {
  std::ifstream in(path);
  const auto j = nlohmann::json::parse(in, nullptr, false);
  if (j.is_discarded()) {
    error = "cannot parse " + path.string();
    return false;
  }
  for (const auto& p : j["internal_prefixes"]) out.internal_prefixes.push_back(p.get<std::string>());
  for (const auto& s : j["sessions"]) {
    TruthSession t;
    t.client = s["client"].get<std::string>();
    t.server = s["server"].get<std::string>();
    t.client_port = s["client_port"].get<uint16_t>();
    t.server_port = s["server_port"].get<uint16_t>();
    t.ipv = s["ipv"].get<int>();
    t.state = s["state"].get<std::string>();
    t.perspective = s["perspective"].get<std::string>();
    t.established = s["established"].get<bool>();
    out.sessions.push_back(t);
  }
  return true;
}

}  // namespace synwatch::testing
