// Signatures: rules are validated with the rule and the reason named, compile into one
// database per target, label a record with the first rule (in order) that matches its
// bytes, count every rule that matched, and hold a worker's burst in order while it
// waits to be scanned.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "control/config/synwatch_config.h"
#include "dataplane/detect/partial_values.h"
#include "dataplane/signature/label_registry.h"
#include "dataplane/signature/match_tally.h"
#include "dataplane/signature/scan_stage.h"
#include "dataplane/signature/signature_scanner.h"
#include "dataplane/signature/signature_set.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_data.h"

namespace synwatch::signature {
namespace {

using decode::RecordSpans;
using decode::ScanTarget;

RecordSpans spans_of(ScanTarget target, const std::string& text) {
  RecordSpans s;
  s.add(target, reinterpret_cast<const uint8_t*>(text.data()), static_cast<uint32_t>(text.size()));
  return s;
}

std::string label_name(uint16_t label) {
  return std::string(LabelRegistry::instance().name(label));
}

SignatureRule rule(std::string id, std::string expression, std::string label,
                   ScanTarget target = ScanTarget::kPayload) {
  SignatureRule r;
  r.id = std::move(id);
  r.expression = std::move(expression);
  r.label = std::move(label);
  r.target = target;
  return r;
}

TEST(SignatureConfig, EveryMistakeNamesTheRuleAndTheReason) {
  struct Case {
    const char* description;
    const char* yaml;
    const char* error;  // the whole message, or its start when it ends in "..."
  };
  const Case cases[] = {
      {"an expression Hyperscan refuses",
       "signatures:\n  rules:\n    - {id: ok, expression: 'abc', target: payload, label: a}\n"
       "    - {id: broken, expression: '(abc', target: payload, label: b}\n",
       "signatures.rules[1] (broken).expression: Missing close parenthesis..."},
      {"an expression that matches nothing at all",
       "signatures:\n  rules: [{id: empty, expression: 'a*', target: payload, label: a}]\n",
       "signatures.rules[0] (empty).expression: Pattern matches empty buffer..."},
      {"the same id twice",
       "signatures:\n  rules:\n    - {id: dup, expression: 'a', target: payload, label: a}\n"
       "    - {id: dup, expression: 'b', target: payload, label: b}\n",
       "signatures.rules[1] (dup).id: used by an earlier rule"},
      {"no id", "signatures:\n  rules: [{expression: 'a', target: payload, label: a}]\n",
       "signatures.rules[0].id: missing"},
      {"no label", "signatures:\n  rules: [{id: x, expression: 'a', target: payload}]\n",
       "signatures.rules[0] (x).label: missing"},
      {"a label with a space",
       "signatures:\n  rules: [{id: x, expression: 'a', target: payload, label: 'a b'}]\n",
       "signatures.rules[0] (x).label: 'a b': only letters, digits and - _ . : / are allowed"},
      {"an interface rule whose label is no role",
       "signatures:\n  rules: [{id: x, expression: 'transit', target: interface_description, "
       "label: upstream}]\n",
       "signatures.rules[0] (x).label: 'upstream': a rule on interface_description gives the "
       "interface's role: external or internal"},
      {"no expression", "signatures:\n  rules: [{id: x, target: payload, label: a}]\n",
       "signatures.rules[0] (x).expression: missing"},
      {"no target", "signatures:\n  rules: [{id: x, expression: 'a', label: a}]\n",
       "signatures.rules[0].target: missing"},
      {"an unknown target",
       "signatures:\n  rules: [{id: x, expression: 'a', target: body, label: a}]\n",
       "signatures.rules[0].target: 'body' is not a target..."},
      {"an unknown flag",
       "signatures:\n  rules: [{id: x, expression: 'a', target: payload, label: a, flags: "
       "[nocase]}]\n",
       "signatures.rules[0].flags: 'nocase' is not a flag (expected caseless, dotall or "
       "multiline)"},
      {"an unknown rule setting",
       "signatures:\n  rules: [{id: x, expression: 'a', target: payload, label: a, severity: 3}]\n",
       "signatures.rules[0].severity: unknown setting"},
      {"scan_bytes too small", "signatures:\n  scan_bytes: 8\n",
       "signatures.scan_bytes: 8 is outside 16..4096"},
      {"a rule file that is not there", "signatures:\n  rule_files: [/nonexistent/rules.yaml]\n",
       "signatures.rule_files[0]: cannot read '/nonexistent/rules.yaml'"},
      {"a rule file that never ends", "signatures:\n  rule_files: [/dev/zero]\n",
       "signatures.rule_files[0]: '/dev/zero' is not a regular file"},
  };
  for (const auto& c : cases) {
    config::SynwatchConfig cfg;
    cfg.signatures.rules = {rule("before", "x", "kept")};
    const std::string error = config::parse_config(c.yaml, cfg);
    const std::string expected = c.error;
    if (expected.size() > 3 && expected.ends_with("...")) {
      EXPECT_EQ(error.substr(0, expected.size() - 3), expected.substr(0, expected.size() - 3))
          << c.description;
    } else {
      EXPECT_EQ(error, expected) << c.description;
    }
    ASSERT_EQ(cfg.signatures.rules.size(), 1u)
        << c.description << ": a refused text changes nothing";
    EXPECT_EQ(cfg.signatures.rules[0].id, "before") << c.description;
  }
}

TEST(SignatureConfig, AMistakeInARuleFileNamesTheFileAndTheRule) {
  const auto file = testing::scratch_dir("signature-rule-file") / "rules.yaml";
  std::ofstream(file) << "rules:\n  - {id: ok, expression: 'a', target: payload, label: a}\n"
                      << "  - {id: no-label, expression: 'b', target: payload}\n";
  config::SynwatchConfig cfg;
  EXPECT_EQ(config::parse_config("signatures:\n  rule_files: [" + file.string() + "]\n", cfg),
            "signatures.rule_files[0] (" + file.string() + ").rules[1] (no-label).label: missing");
  std::ofstream(file) << "rule: []\n";
  EXPECT_EQ(config::parse_config("signatures:\n  rule_files: [" + file.string() + "]\n", cfg),
            "signatures.rule_files[0] (" + file.string() + ").rule: unknown setting");
  EXPECT_TRUE(cfg.signatures.rules.empty());
}

TEST(SignatureConfig, ShippedPackLoadsAfterInlineRules) {
  const std::string pack = (testing::source_dir() / "deploy/signatures/default.yaml").string();
  config::SynwatchConfig cfg;
  const std::string yaml =
      "signatures:\n  rule_files: [" + pack +
      "]\n  rules: [{id: mine, expression: '^hello', target: payload, label: local, "
      "flags: [caseless, dotall, multiline]}]\n";
  ASSERT_EQ(config::parse_config(yaml, cfg), "");
  ASSERT_GT(cfg.signatures.rules.size(), 20u);
  EXPECT_EQ(cfg.signatures.rules[0].id, "mine") << "an operator's own rules come first";
  EXPECT_TRUE(cfg.signatures.rules[0].caseless && cfg.signatures.rules[0].dotall &&
              cfg.signatures.rules[0].multiline);
  std::string error;
  EXPECT_NE(SignatureSet::compile(cfg.signatures, 2, error), nullptr) << error;
}

// The interface-role pack marks the links to other networks external by their usual
// descriptions, and nothing else.
TEST(SignatureConfig, ShippedInterfaceRolePackTellsBordersFromTheRest) {
  const std::string pack = (testing::source_dir() / "deploy/signatures/interface-roles.yaml").string();
  config::SynwatchConfig cfg;
  ASSERT_EQ(config::parse_config("signatures:\n  rule_files: [" + pack + "]\n", cfg), "");
  std::string error;
  const auto set = SignatureSet::compile(cfg.signatures, 1, error);
  ASSERT_NE(set, nullptr) << error;
  SignatureScanner scanner;
  scanner.use(set.get(), 0);
  using decode::InterfaceRole;
  const std::pair<const char*, InterfaceRole> cases[] = {
      {"TRANSIT: AS64500 Cogent 10G", InterfaceRole::kExternal},
      {"Peering - DE-CIX Frankfurt", InterfaceRole::kExternal},
      {"[EXT] Telia upstream", InterfaceRole::kExternal},
      {"IXP LAN", InterfaceRole::kExternal},
      {"Core uplink to dist-2", InterfaceRole::kInternal},
      {"servers vlan 100", InterfaceRole::kInternal},
      {"Mgmt - peering router OOB", InterfaceRole::kInternal},
      {"expansion slot", InterfaceRole::kInternal},
  };
  for (const auto& [description, role] : cases)
    EXPECT_EQ(scanner.classify("", description), role) << description;
}

TEST(SignatureScanner, TheFirstRuleInOrderGivesTheLabelAndEveryMatchCounts) {
  SignatureConfig config;
  config.rules = {rule("nmap-ua", "\\r\\nUser-Agent:[^\\r\\n]*Nmap Scripting Engine", "nmap-test"),
                  rule("http-request", "^GET /", "http-test"),
                  rule("ssh-banner", "^SSH-2\\.0-", "ssh-test")};
  std::string error;
  auto set = SignatureSet::compile(config, 2, error, true);
  ASSERT_NE(set, nullptr) << error;
  SignatureScanner scanner;
  scanner.use(set.get(), 1);

  EXPECT_EQ(label_name(scanner.scan(
                spans_of(ScanTarget::kPayload,
                         "GET / HTTP/1.1\r\nUser-Agent: Mozilla/5.0 (compatible; Nmap Scripting "
                         "Engine; https://nmap.org/book/nse.html)\r\n"))),
            "nmap-test")
      << "both rules match: the first in order wins";
  EXPECT_EQ(
      label_name(scanner.scan(spans_of(ScanTarget::kPayload, "GET /index.html HTTP/1.1\r\n"))),
      "http-test");
  EXPECT_EQ(scanner.scan(spans_of(ScanTarget::kPayload, "xGET / HTTP/1.1")), 0)
      << "anchored at the start";
  EXPECT_EQ(scanner.scan(RecordSpans{}), 0);
  EXPECT_EQ(set->matches(0), 1u);
  EXPECT_EQ(set->matches(1), 2u) << "a rule that lost to an earlier one still counts";
  EXPECT_EQ(set->matches(2), 0u);

  SignatureScanner other;
  other.use(set.get(), 0);
  EXPECT_NE(other.scan(spans_of(ScanTarget::kPayload, "SSH-2.0-OpenSSH_9.2")), 0);
  EXPECT_EQ(set->matches(2), 1u) << "matches are summed over the workers";
}

TEST(SignatureScanner, RulesLookOnlyAtTheirTargetAndTheFirstScanBytes) {
  SignatureConfig config;
  config.scan_bytes = 16;
  config.rules = {rule("app", "^ssh$", "app-ssh-test", ScanTarget::kApplicationName),
                  rule("late", "NEEDLE", "late-test")};
  config.rules[0].caseless = true;
  std::string error;
  auto set = SignatureSet::compile(config, 1, error, true);
  ASSERT_NE(set, nullptr) << error;
  SignatureScanner scanner;
  scanner.use(set.get(), 0);
  EXPECT_EQ(label_name(scanner.scan(spans_of(ScanTarget::kApplicationName, "SSH"))),
            "app-ssh-test");
  EXPECT_EQ(scanner.scan(spans_of(ScanTarget::kPayload, "ssh")), 0)
      << "an application_name rule ignores payload";
  EXPECT_EQ(scanner.scan(spans_of(ScanTarget::kHttpHost, "ssh")), 0);
  EXPECT_EQ(label_name(scanner.scan(spans_of(ScanTarget::kPayload, "0123456789NEEDLE"))),
            "late-test");
  EXPECT_EQ(scanner.scan(spans_of(ScanTarget::kPayload, "0123456789-NEEDLE")), 0)
      << "past scan_bytes (16) nothing is scanned";

  scanner.use(nullptr, 0);
  EXPECT_FALSE(scanner.active());
  EXPECT_EQ(scanner.scan(spans_of(ScanTarget::kApplicationName, "ssh")), 0);
}

TEST(LabelRegistry, NamesStayAndRanksFollowTheRuleSetInUse) {
  SignatureConfig config;
  config.rules = {rule("tool", "^SSH-2\\.0-libssh", "rank-tool"),
                  rule("proto", "^SSH-", "rank-proto")};
  std::string error;
  auto set = SignatureSet::compile(config, 1, error, true);
  ASSERT_NE(set, nullptr) << error;
  const uint16_t tool = set->rules()[0].label_id, proto = set->rules()[1].label_id;
  LabelRegistry& registry = LabelRegistry::instance();
  EXPECT_EQ(registry.intern("rank-tool"), tool) << "one number per name";
  EXPECT_TRUE(registry.better(tool, proto));
  EXPECT_FALSE(registry.better(proto, tool));
  EXPECT_TRUE(registry.better(proto, 0));
  EXPECT_FALSE(registry.better(0, proto));

  // The next set lists them the other way round (or drops one): the ranks follow it, the
  // names stay for the sessions already labelled.
  std::swap(config.rules[0], config.rules[1]);
  ASSERT_NE(SignatureSet::compile(config, 1, error, true), nullptr);
  EXPECT_TRUE(registry.better(proto, tool));
  config.rules.pop_back();
  ASSERT_NE(SignatureSet::compile(config, 1, error, true), nullptr);
  EXPECT_TRUE(registry.better(proto, tool)) << "a label no rule gives any more ranks last";
  EXPECT_EQ(label_name(tool), "rank-tool");
}

// Reloads: a rule kept from one set to the next keeps counting up; a rule no set in use
// has any more is forgotten.
TEST(MatchTally, RulesKeptAcrossReloadsKeepCounting) {
  std::string error;
  SignatureConfig first, second;
  first.rules = {rule("kept", "^GET ", "tally-http"), rule("dropped", "^SSH-", "tally-ssh")};
  second.rules = {rule("kept", "^GET ", "tally-http")};
  auto a = SignatureSet::compile(first, 1, error, true);
  auto b = SignatureSet::compile(second, 1, error, true);
  ASSERT_TRUE(a && b) << error;
  MatchTally tally;
  tally.hold(a);
  SignatureScanner scanner;
  scanner.use(a.get(), 0);
  for (int i = 0; i < 3; ++i) scanner.scan(spans_of(ScanTarget::kPayload, "GET / HTTP/1.0"));
  scanner.scan(spans_of(ScanTarget::kPayload, "SSH-2.0-x"));

  tally.hold(b);  // the reload: both in use until every worker has moved
  tally.hold(b);
  scanner.use(b.get(), 0);
  scanner.scan(spans_of(ScanTarget::kPayload, "GET /x HTTP/1.0"));
  auto rules = tally.rules();
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].id, "dropped");
  EXPECT_EQ(rules[0].matches, 1u);
  EXPECT_EQ(rules[1].id, "kept");
  EXPECT_EQ(rules[1].matches, 4u);

  tally.release_unused([&](const SignatureSet* set) { return set == b.get(); });
  rules = tally.rules();
  ASSERT_EQ(rules.size(), 1u) << "the dropped rule is forgotten";
  EXPECT_EQ(rules[0].id, "kept");
  EXPECT_EQ(rules[0].label, "tally-http");
  EXPECT_EQ(rules[0].matches, 4u) << "the old set's 3 folded in, the new set's 1 read live";
  scanner.scan(spans_of(ScanTarget::kPayload, "GET /y HTTP/1.0"));
  EXPECT_EQ(tally.rules()[0].matches, 5u);
}

// What an alert says its sessions were: the most frequent labels of the host, within a
// bound; the total counts every labelled session, kept or not.
TEST(HostLabels, KeepsTheMostFrequentWithinItsBound) {
  detect::HostLabels a, b;
  for (uint16_t label = 1; label <= 6; ++label)
    for (uint16_t n = 0; n < label; ++n) a.add(label);  // label L seen L times
  EXPECT_EQ(a.total, 21u);
  std::vector<std::pair<uint16_t, uint32_t>> kept;
  for (size_t i = 0; i < detect::HostLabels::kKept; ++i) kept.emplace_back(a.label[i], a.count[i]);
  std::sort(kept.begin(), kept.end());
  ASSERT_EQ(kept.size(), 4u);
  EXPECT_EQ(kept.back(), (std::pair<uint16_t, uint32_t>{6, 6}));
  EXPECT_EQ(kept[2], (std::pair<uint16_t, uint32_t>{5, 5}));
  b.add(7, 100);
  b.add(6, 1);
  a.merge(b);
  EXPECT_EQ(a.total, 122u);
  uint32_t seven = 0, six = 0;
  for (size_t i = 0; i < detect::HostLabels::kKept; ++i) {
    if (a.label[i] == 7) seven = a.count[i];
    if (a.label[i] == 6) six = a.count[i];
  }
  EXPECT_EQ(seven, 100u);
  EXPECT_EQ(six, 7u);
}

TEST(ScanStage, ReleasesTheBurstInOrderWithLabels) {
  SignatureConfig config;
  config.rules = {rule("hello", "^hello", "stage-test")};
  std::string error;
  auto set = SignatureSet::compile(config, 1, error, true);
  ASSERT_NE(set, nullptr) << error;
  SignatureScanner scanner;
  scanner.use(set.get(), 0);

  ScanStage stage;
  EXPECT_FALSE(stage.active());
  std::string packet = "hello world";  // the export packet: gone before the release
  const RecordSpans hello = spans_of(ScanTarget::kPayload, packet);
  decode::FlowRecord r;
  size_t added = 0;
  for (; added < ScanStage::kRecords; ++added) {
    r.src_port = static_cast<uint16_t>(added);
    ASSERT_TRUE(stage.add(r, added % 3 == 0 ? &hello : nullptr, scanner.scan_bytes()));
  }
  EXPECT_FALSE(stage.add(r, nullptr, scanner.scan_bytes())) << "full: the caller releases first";
  packet.assign(packet.size(), 'x');

  std::vector<decode::FlowRecord> out;
  stage.release(scanner, [&](const decode::FlowRecord& x) { out.push_back(x); });
  EXPECT_FALSE(stage.active());
  ASSERT_EQ(out.size(), ScanStage::kRecords);
  for (size_t i = 0; i < out.size(); ++i) {
    EXPECT_EQ(out[i].src_port, i) << "in the order they came";
    EXPECT_EQ(label_name(out[i].label), i % 3 == 0 ? "stage-test" : "")
        << i << ": scanned from the stage's copy";
  }
}

}  // namespace
}  // namespace synwatch::signature
