// Signatures on real sFlow exports: pmacctd's sfprobe sampled every packet of each
// scenario's traffic (1:1) with its first bytes; the sessions synwatch joins from those
// samples carry the labels the raw traffic says they should.
//
// The truth comes from traffic.pcap alone, parsed here without synwatch's decoders, and
// matched with std::regex rather than Hyperscan: for every TCP connection (canonical
// 5-tuple), the best-ranked rule any of its packets' payload matches.
#include <gtest/gtest.h>

#include <cctype>
#include <iostream>
#include <map>
#include <regex>

#include "dataplane/replay/capture_reader.h"
#include "dataplane/replay/replay.h"
#include "dataplane/session/session_shards.h"
#include "dataplane/signature/label_registry.h"
#include "dataplane/signature/labelling_sink.h"
#include "tests/support/test_data.h"
#include "tests/support/truth.h"

namespace synwatch {
namespace {

namespace fs = std::filesystem;
using testing::TupleKey;
using testing::tuple_of;

// The rules, in order: a tool's client banner before the protocols.
struct TestRule {
  const char* id;
  const char* expression;  // the same text for Hyperscan and std::regex (ECMAScript)
  const char* label;
};
constexpr TestRule kRules[] = {
    {"libssh-client", "^SSH-2\\.0-libssh", "capture-libssh"},
    {"ssh-banner", "^SSH-[12]\\.[0-9]+-", "capture-ssh"},
    {"http-request", "^(GET|POST|HEAD) /", "capture-http"},
    {"http-response", "^HTTP/1\\.[01] [1-5][0-9][0-9]", "capture-http"},
};

// The best (lowest) rule index per connection, from the raw packets.
std::map<TupleKey, size_t> truth_of(const fs::path& traffic) {
  std::vector<std::regex> rules;
  for (const auto& r : kRules)
    rules.emplace_back(r.expression);
  std::map<TupleKey, size_t> best;
  std::string error;
  auto reader = replay::CaptureReader::open(traffic.string(), error);
  EXPECT_NE(reader, nullptr) << error;
  if (!reader) return best;
  replay::CapturedFrame f;
  while (reader->next(f) == replay::CaptureReader::Next::kFrame) {
    const uint8_t* p = f.data;
    size_t n = f.captured;
    if (n < 14) continue;
    const uint16_t ethertype = static_cast<uint16_t>(p[12] << 8 | p[13]);
    p += 14, n -= 14;
    std::string src, dst;
    size_t ip_header;
    if (ethertype == 0x0800 && n >= 20 && p[9] == 6) {
      ip_header = size_t{p[0] & 0x0fu} * 4;
      if ((static_cast<uint16_t>(p[6] << 8 | p[7]) & 0x1fff) != 0) continue;
      src = wire::IpAddress::v4_bytes(p + 12).to_string();
      dst = wire::IpAddress::v4_bytes(p + 16).to_string();
    } else if (ethertype == 0x86dd && n >= 40 && p[6] == 6) {
      ip_header = 40;
      src = wire::IpAddress::v6_bytes(p + 8).to_string();
      dst = wire::IpAddress::v6_bytes(p + 24).to_string();
    } else {
      continue;
    }
    if (n < ip_header + 20) continue;
    const uint8_t* tcp = p + ip_header;
    const size_t data_offset = size_t{tcp[12]} >> 4 << 2;
    if (n <= ip_header + data_offset) continue;
    const std::string payload(reinterpret_cast<const char*>(tcp + data_offset),
                              n - ip_header - data_offset);
    const auto key = tuple_of(src, static_cast<uint16_t>(tcp[0] << 8 | tcp[1]), dst,
                              static_cast<uint16_t>(tcp[2] << 8 | tcp[3]));
    for (size_t i = 0; i < rules.size(); ++i) {
      if (!std::regex_search(payload, rules[i])) continue;
      auto [it, added] = best.emplace(key, i);
      if (!added) it->second = std::min(it->second, i);
      break;
    }
  }
  return best;
}

class Collect : public session::SessionSink {
 public:
  void on_session(const session::SessionEvent& e) override { sessions.push_back(e); }
  std::vector<session::SessionEvent> sessions;
};

class SignatureCaptures : public ::testing::TestWithParam<fs::path> {};

TEST_P(SignatureCaptures, SessionsCarryTheLabelsTheirPacketsSay) {
  const fs::path capture = GetParam();
  signature::SignatureConfig config;
  for (const auto& r : kRules)
    config.rules.push_back(
        {r.id, r.expression, decode::ScanTarget::kPayload, false, false, false, r.label, ""});
  std::string error;
  auto set = signature::SignatureSet::compile(config, 1, error, true);
  ASSERT_NE(set, nullptr) << error;
  signature::SignatureScanner scanner;
  scanner.use(set.get(), 0);

  Collect collect;
  session::SessionShards shards(1, session::SessionConfig{}, collect);
  signature::LabellingSink labelling(scanner, shards);
  replay::Replay replay{decode::DecoderConfig{}};
  ASSERT_TRUE(replay.run_file(capture.string(), labelling, error)) << error;
  shards.finish();

  std::map<TupleKey, std::string> labelled;
  for (const auto& s : collect.sessions) {
    if (s.label == 0) continue;
    const auto key =
        tuple_of(s.client.to_string(), s.client_port, s.server.to_string(), s.server_port);
    const std::string name(signature::LabelRegistry::instance().name(s.label));
    auto [it, added] = labelled.emplace(key, name);
    EXPECT_TRUE(added || it->second == name)
        << "one 5-tuple, two labels: " << it->second << ", " << name;
  }

  const auto truth = truth_of(capture.parent_path() / "traffic.pcap");
  size_t agree = 0;
  for (const auto& [key, rule] : truth) {
    const auto it = labelled.find(key);
    const std::string got = it == labelled.end() ? "(none)" : it->second;
    EXPECT_EQ(got, kRules[rule].label) << key.first.first << ":" << key.first.second << " - "
                                       << key.second.first << ":" << key.second.second;
    agree += got == kRules[rule].label ? 1 : 0;
  }
  for (const auto& [key, label] : labelled)
    EXPECT_TRUE(truth.contains(key)) << key.first.first << ":" << key.first.second << " labelled "
                                     << label << " without a packet that says so";
  EXPECT_GT(truth.size(), 10u) << "the scenario has HTTP and SSH to label";
  std::cout << capture.parent_path().filename().string() << ": " << agree << " of " << truth.size()
            << " labelled connections agree\n";
}

std::vector<fs::path> sflow_captures() {
  std::vector<fs::path> out;
  for (const fs::path& dir : {testing::bundled_captures_dir(), testing::shared_flows_dir()}) {
    if (dir.empty()) continue;
    for (const auto& capture : testing::export_captures_in(dir))
      if (capture.filename() == "exports-pmacct-sflow.pcap" &&
          fs::exists(capture.parent_path() / "traffic.pcap"))
        out.push_back(capture);
  }
  return out;
}

INSTANTIATE_TEST_SUITE_P(Sflow, SignatureCaptures, ::testing::ValuesIn(sflow_captures()),
                         [](const ::testing::TestParamInfo<fs::path>& param) {
                           std::string name =
                               param.param.parent_path().parent_path().filename().string() + "_" +
                               param.param.parent_path().filename().string();
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

TEST(SignatureCaptures, SharedCapturesArePresentOrSaySo) {
  if (testing::shared_flows_dir().empty())
    GTEST_SKIP()
        << "../shared/testdata/flows is absent (a user's clone): only the bundled captures ran";
}

}  // namespace
}  // namespace synwatch
