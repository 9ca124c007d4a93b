// Sessions derived from every unsampled export capture (shared and bundled) agree with
// truth.json, the Zeek state of every TCP connection computed from the raw packets: state, client,
// perspective and 'established'. Where an exporter makes a connection unknowable the
// difference is named here, not hidden:
//   - NetFlow v5 carries no IPv6: the IPv6 connections are missing from v5 exports.
//   - 5-tuple reuse: two connections on one 5-tuple are one flow to every exporter.
// Anything else is a failure. Agreement must reach 99 % of all connections that the
// exporter can show.
#include <gtest/gtest.h>

#include <cctype>

#include <map>
#include <set>

#include "dataplane/replay/replay.h"
#include "dataplane/session/session_shards.h"
#include "tests/support/test_data.h"
#include "tests/support/truth.h"

namespace synwatch {
namespace {

namespace fs = std::filesystem;
using testing::TupleKey;
using testing::tuple_of;

class Collect : public session::SessionSink {
 public:
  void on_session(const session::SessionEvent& e) override { sessions.push_back(e); }
  std::vector<session::SessionEvent> sessions;
};

std::vector<session::SessionEvent> sessions_of(const fs::path& capture,
                                               const std::vector<std::string>& internal) {
  session::SessionConfig config;
  config.internal.clear();
  for (const auto& text : internal) {
    session::Prefix p;
    std::string error;
    EXPECT_TRUE(session::Prefix::parse(text, p, error)) << error;
    config.internal.push_back(p);
  }
  Collect collect;
  session::SessionShards shards(1, config, collect);
  replay::Replay replay{decode::DecoderConfig{}};
  std::string error;
  EXPECT_TRUE(replay.run_file(capture.string(), shards, error)) << error;
  shards.finish();
  return collect.sessions;
}

struct Scenario {
  fs::path dir;
  fs::path capture;
};

std::vector<Scenario> unsampled_captures(const fs::path& dir) {
  std::vector<Scenario> out;
  for (const auto& capture : testing::export_captures_in(dir)) {
    if (capture.filename().string().find("sflow") != std::string::npos) continue;
    if (fs::exists(capture.parent_path() / "truth.json"))
      out.push_back({capture.parent_path(), capture});
  }
  return out;
}

// Reused 5-tuples: one flow (one session) per tuple, whatever the truth counts.
size_t reused_flows(const std::map<TupleKey, int>& per_tuple, size_t reused_connections) {
  size_t tuples = 0;
  for (const auto& [key, n] : per_tuple) tuples += n > 1 ? 1 : 0;
  return reused_connections == 0 ? 0 : tuples;
}

class SessionTruth : public ::testing::TestWithParam<Scenario> {};

TEST_P(SessionTruth, StatesAgreeWithTheRawPackets) {
  const Scenario& sc = GetParam();
  testing::Truth truth;
  std::string error;
  ASSERT_TRUE(testing::load_truth(sc.dir / "truth.json", truth, error)) << error;
  const auto got = sessions_of(sc.capture, truth.internal_prefixes);
  const bool netflow_v5 = sc.capture.filename().string().find("-v5") != std::string::npos;

  std::map<TupleKey, std::vector<const session::SessionEvent*>> by_tuple;
  for (const auto& e : got)
    by_tuple[tuple_of(e.client.to_string(), e.client_port, e.server.to_string(), e.server_port)]
        .push_back(&e);
  std::map<TupleKey, int> truth_per_tuple;
  for (const auto& t : truth.sessions)
    ++truth_per_tuple[tuple_of(t.client, t.client_port, t.server, t.server_port)];

  size_t agree = 0, knowable = 0, v6_in_v5 = 0, reused = 0;
  std::map<TupleKey, size_t> used;
  for (const auto& t : truth.sessions) {
    const TupleKey key = tuple_of(t.client, t.client_port, t.server, t.server_port);
    if (netflow_v5 && t.ipv == 6) {
      ++v6_in_v5;  // named: NetFlow v5 has no IPv6
      EXPECT_TRUE(by_tuple[key].empty()) << "an IPv6 session from NetFlow v5?";
      continue;
    }
    if (truth_per_tuple[key] > 1) {
      ++reused;  // named: several connections on one 5-tuple are one flow
      continue;
    }
    ++knowable;
    const auto& mine = by_tuple[key];
    if (mine.size() != 1) {
      ADD_FAILURE() << sc.capture.filename() << ": " << t.client << ":" << t.client_port << " > "
                    << t.server << ":" << t.server_port << " (" << t.state << ") became "
                    << mine.size() << " sessions";
      continue;
    }
    const auto& e = *mine[0];
    const bool same = session::state_name(e.state) == t.state && e.client.to_string() == t.client &&
                      session::perspective_name(e.perspective) == t.perspective &&
                      e.established == t.established;
    if (same) {
      ++agree;
    } else {
      ADD_FAILURE() << sc.capture.filename() << ": " << t.client << ":" << t.client_port << " > "
                    << t.server << ":" << t.server_port << " truth " << t.state << "/"
                    << t.perspective << " synwatch " << session::state_name(e.state) << "/"
                    << session::perspective_name(e.perspective) << " client " << e.client.to_string();
    }
  }
  ASSERT_GT(knowable, 0u);
  EXPECT_GE(static_cast<double>(agree), 0.99 * static_cast<double>(knowable));
  if (!netflow_v5) {
    EXPECT_EQ(v6_in_v5, 0u);
  }
  // Every session synwatch reports stands for a real connection.
  EXPECT_EQ(got.size(), knowable + reused_flows(truth_per_tuple, reused));
  RecordProperty("agree", static_cast<int>(agree));
  RecordProperty("ipv6_missing_from_v5", static_cast<int>(v6_in_v5));
}

std::string scenario_name(const ::testing::TestParamInfo<Scenario>& info) {
  std::string name = info.param.dir.filename().string() + "_" + info.param.capture.stem().string();
  for (char& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Real, SessionTruth,
                         ::testing::ValuesIn(unsampled_captures(testing::shared_flows_dir())),
                         scenario_name);
// The bundled captures carry their own truth, from tests/captures/packet_truth.py.
INSTANTIATE_TEST_SUITE_P(Bundled, SessionTruth,
                         ::testing::ValuesIn(unsampled_captures(testing::bundled_captures_dir())),
                         scenario_name);
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SessionTruth);

TEST(SessionTruthPresence, SharedTruthIsThere) {
  if (testing::shared_flows_dir().empty())
    GTEST_SKIP() << "../shared/testdata/flows is absent (a user's clone): the session "
                    "conformance tests against truth.json did not run";
  EXPECT_FALSE(unsampled_captures(testing::shared_flows_dir()).empty());
}

}  // namespace
}  // namespace synwatch
