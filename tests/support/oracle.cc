#include "tests/support/oracle.h"

#include <zlib.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>

namespace synwatch::testing {

bool operator==(const ExpectedRecord& a, const ExpectedRecord& b) {
  const bool proto_matches = a.proto == b.proto || a.proto_unstated || b.proto_unstated;
  return a.version == b.version && a.src == b.src && a.dst == b.dst && a.sport == b.sport &&
         a.dport == b.dport && proto_matches && a.tcp_flags == b.tcp_flags &&
         a.packets == b.packets && a.bytes == b.bytes && a.start_ms == b.start_ms &&
         a.end_ms == b.end_ms && a.sampling == b.sampling;
}

std::string ExpectedRecord::describe() const {
  std::ostringstream s;
  s << version << " " << src << ":" << sport << " > " << dst << ":" << dport << " proto " << proto
    << " flags " << tcp_flags << " packets " << packets << " bytes " << bytes << " start "
    << start_ms << " end " << end_ms << " sampling " << sampling;
  return s.str();
}

namespace {

uint64_t uint_or(const nlohmann::json& j, const char* key, uint64_t fallback) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return fallback;
  return it->get<uint64_t>();
}

int64_t ms_floor(const nlohmann::json& v) {
  return static_cast<int64_t>(std::floor(v.get<double>()));
}

}  // namespace

std::vector<ExpectedRecord> load_oracle(const std::filesystem::path& path, std::string& error) {
  std::vector<ExpectedRecord> out;
  gzFile f = gzopen(path.c_str(), "rb");
  if (f == nullptr) {
    error = "cannot open " + path.string();
    return out;
  }
  std::string line;
  char chunk[4096];
  while (gzgets(f, chunk, sizeof chunk) != nullptr) {
    line += chunk;
    if (line.empty() || line.back() != '\n') continue;
    const auto j = nlohmann::json::parse(line, nullptr, false);
    line.clear();
    if (j.is_discarded()) {
      error = "unparseable line in " + path.string();
      break;
    }
    const std::string kind = j.value("kind", "");
    if (kind != "flow" && !(kind == "sample" && !j["src"].is_null())) continue;
    ExpectedRecord e;
    e.version = j["version"].get<std::string>();
    e.src = j["src"].get<std::string>();
    e.dst = j["dst"].get<std::string>();
    e.sport = uint_or(j, "sport", 0);
    e.dport = uint_or(j, "dport", 0);
    e.proto = uint_or(j, "proto", 0);
    e.tcp_flags = uint_or(j, "tcp_flags", 0) & 0xff;
    const bool v6 = e.src.find(':') != std::string::npos;
    constexpr uint64_t kExtensions[] = {0, 43, 44, 51, 60, 135};
    for (uint64_t x : kExtensions)
      if (kind == "sample" && v6 && e.proto == x) e.proto_unstated = true;
    e.packets = uint_or(j, "packets", 0);
    e.bytes = uint_or(j, "bytes", 0);
    if (kind == "sample") {
      e.start_ms = e.end_ms = ms_floor(j["export_ms"]);
    } else {
      e.start_ms = ms_floor(j["start_ms"]);
      e.end_ms = ms_floor(j["end_ms"]);
    }
    e.sampling = uint_or(j, "sampling", 0);
    if (e.sampling == 0) e.sampling = 1;
    e.frame = j.value("frame", int64_t{0});
    out.push_back(e);
  }
  gzclose(f);
  return out;
}

}  // namespace synwatch::testing
