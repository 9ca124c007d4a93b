#include "tests/support/test_data.h"

#include <algorithm>
#include <cstdlib>

namespace synwatch::testing {

namespace fs = std::filesystem;

fs::path source_dir() {
  if (const char* env = std::getenv("SYNWATCH_SOURCE_DIR")) return env;
  return SYNWATCH_SOURCE_DIR_DEFAULT;
}

fs::path shared_flows_dir() {
  fs::path dir;
  if (const char* env = std::getenv("SYNWATCH_SHARED_FLOWS")) {
    dir = env;
  } else {
    dir = source_dir() / ".." / "shared" / "testdata" / "flows";
  }
  std::error_code ec;
  return fs::is_directory(dir, ec) ? fs::canonical(dir, ec) : fs::path();
}

fs::path bundled_captures_dir() { return source_dir() / "tests" / "captures"; }

fs::path oracle_for(const fs::path& capture) {
  std::string name = capture.filename().string();  // exports-NAME.pcap
  name = name.substr(8, name.size() - 8 - 5);
  return capture.parent_path() / ("oracle-" + name + ".jsonl.gz");
}

std::vector<fs::path> export_captures_in(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) return out;
  for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind("exports-", 0) == 0 && entry.path().extension() == ".pcap" &&
        fs::exists(oracle_for(entry.path())))
      out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace synwatch::testing
