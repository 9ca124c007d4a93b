#include "tests/support/session_lines.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "dataplane/json/session_json.h"
#include "dataplane/replay/replay.h"
#include "dataplane/session/session_shards.h"

namespace synwatch::testing {

void SessionLines::on_session(const session::SessionEvent& e) {
  json::JsonLine line;
  lines.emplace_back(json::session_to_json(e, line));
}

std::vector<std::string> SessionLines::sorted() {
  std::sort(lines.begin(), lines.end());
  return lines;
}

session::SessionConfig test_session_config() {
  session::SessionConfig c;
  c.capacity = 1u << 16;
  return c;
}

std::vector<std::string> replay_session_lines(const std::filesystem::path& capture,
                                              uint32_t shards) {
  SessionLines out;
  session::SessionShards table(shards, test_session_config(), out);
  replay::Replay replay{decode::DecoderConfig{}};
  std::string error;
  EXPECT_TRUE(replay.run_file(capture.string(), table, error)) << error;
  table.finish();
  return out.sorted();
}

}  // namespace synwatch::testing
