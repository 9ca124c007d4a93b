// Every record of every export capture equals tshark's decoding of it, in order:
// exporter version, addresses, ports, protocol, TCP flags, packets, bytes, start, end
// and sampling. Runs over the shared real-exporter captures (skipped, with a message,
// when ../shared is absent) and over the captures bundled in tests/captures/.
#include <gtest/gtest.h>

#include <cctype>
#include <set>

#include "dataplane/replay/replay.h"
#include "tests/support/oracle.h"
#include "tests/support/test_data.h"

namespace synwatch {
namespace {

namespace fs = std::filesystem;
using testing::ExpectedRecord;

class CollectingSink : public decode::RecordSink {
 public:
  void on_record(const decode::FlowRecord& r) override {
    ExpectedRecord e;
    e.version = std::string(decode::version_name(r.version));
    e.src = r.src.to_string();
    e.dst = r.dst.to_string();
    e.sport = r.src_port;
    e.dport = r.dst_port;
    e.proto = r.proto;
    e.tcp_flags = r.tcp_flags;
    e.packets = r.packets;
    e.bytes = r.bytes;
    e.start_ms = r.start_ms;
    e.end_ms = r.end_ms;
    e.sampling = r.sampling;
    records.push_back(e);
    exporters_seen.insert(r.exporter.to_string());
  }
  std::vector<ExpectedRecord> records;
  std::set<std::string> exporters_seen;
};

void expect_matches_oracle(const fs::path& capture) {
  std::string error;
  const auto expected = testing::load_oracle(testing::oracle_for(capture), error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_FALSE(expected.empty()) << "oracle of " << capture << " has no records";

  replay::Replay replay{decode::DecoderConfig{}};
  CollectingSink sink;
  ASSERT_TRUE(replay.run_file(capture.string(), sink, error)) << error;

  ASSERT_EQ(sink.records.size(), expected.size()) << capture;
  size_t mismatches = 0;
  for (size_t i = 0; i < expected.size(); ++i) {
    if (sink.records[i] == expected[i]) continue;
    if (++mismatches <= 5)
      ADD_FAILURE() << capture.filename() << " record " << i << " (export packet "
                    << expected[i].frame << ")\n  synwatch: " << sink.records[i].describe()
                    << "\n  tshark:   " << expected[i].describe();
  }
  EXPECT_EQ(mismatches, 0u) << "of " << expected.size() << " records in " << capture;
  // One exporter per capture: every record names the address the packets came from.
  EXPECT_EQ(sink.exporters_seen.size(), 1u);
  // A clean capture from a healthy exporter loses nothing and drops nothing.
  const auto counters = replay.decoder().total_counters();
  for (size_t c = 0; c < decode::kDecodeCounterCount; ++c) {
    if (decode::kDecodeCounterKinds[c] == wire::CounterKind::kEvent) continue;
    EXPECT_EQ(counters.values[c], 0u) << decode::kDecodeCounterNames[c] << " in " << capture;
  }
}

std::string test_name(const fs::path& capture) {
  std::string name = capture.parent_path().filename().string() + "_" + capture.stem().string();
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

class SharedCaptures : public ::testing::TestWithParam<fs::path> {};
TEST_P(SharedCaptures, EveryRecordEqualsTshark) { expect_matches_oracle(GetParam()); }
INSTANTIATE_TEST_SUITE_P(Real, SharedCaptures,
                         ::testing::ValuesIn(testing::export_captures_in(testing::shared_flows_dir())),
                         [](const auto& param_info) { return test_name(param_info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SharedCaptures);

class BundledCaptures : public ::testing::TestWithParam<fs::path> {};
TEST_P(BundledCaptures, EveryRecordEqualsTshark) { expect_matches_oracle(GetParam()); }
INSTANTIATE_TEST_SUITE_P(
    Bundled, BundledCaptures,
    ::testing::ValuesIn(testing::export_captures_in(testing::bundled_captures_dir())),
    [](const auto& param_info) { return test_name(param_info.param); });
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(BundledCaptures);

TEST(SharedCapturesPresence, AllEightExporterStreamsPerScenario) {
  const fs::path dir = testing::shared_flows_dir();
  if (dir.empty()) GTEST_SKIP() << "../shared/testdata/flows is absent (a user's clone): "
                                   "the shared-capture conformance tests did not run";
  const auto captures = testing::export_captures_in(dir);
  EXPECT_GE(captures.size(), 8u) << "expected every exporter stream of at least one scenario";
}

}  // namespace
}  // namespace synwatch
