// Interface roles: options data names an exporter's interfaces; the rules on
// interface_name / interface_description tell each one's role; records carry the roles
// of their ingress (source) and egress (destination) interfaces, and perspective
// follows them where no prefix covers an address.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "dataplane/decode/interface_table.h"
#include "dataplane/session/perspective.h"
#include "dataplane/signature/signature_scanner.h"
#include "dataplane/signature/signature_set.h"
#include "tests/support/decode_harness.h"
#include "tests/support/export_builder.h"
#include "tests/support/interface_exports.h"

namespace synwatch {
namespace {

using decode::DecodeCounter;
using decode::InterfaceRole;
using decode::ScanTarget;
using signature::SignatureConfig;
using signature::SignatureRule;
using testing::Bytes;
using testing::IpfixPacket;

SignatureRule rule(std::string id, std::string expression, std::string label, ScanTarget target) {
  SignatureRule r;
  r.id = std::move(id);
  r.expression = std::move(expression);
  r.label = std::move(label);
  r.target = target;
  r.caseless = true;
  return r;
}

std::shared_ptr<const signature::SignatureSet> compiled(std::vector<SignatureRule> rules) {
  SignatureConfig config;
  config.rules = std::move(rules);
  EXPECT_EQ(config.validate(), "");
  std::string error;
  auto set = signature::SignatureSet::compile_for_use(config, 1, error);
  EXPECT_EQ(error, "");
  return set;
}

// The rule of testing::kInterfaceRuleYaml.
std::shared_ptr<const signature::SignatureSet> transit_rule() {
  return compiled({rule("transit-or-peering", "(transit|upstream|peering)", "external",
                        ScanTarget::kInterfaceDescription)});
}

// A decoder whose interfaces a scanner classifies, as a worker's is.
struct ClassifyingHarness : testing::DecodeHarness {
  explicit ClassifyingHarness(decode::DecoderConfig config = {})
      : testing::DecodeHarness(std::move(config)) {
    decoder.use_interface_classifier(&scanner);
  }
  std::vector<decode::FlowRecord> feed_all(bool v9 = false) {
    std::vector<decode::FlowRecord> out;
    for (const auto& payload : testing::interface_role_exports(v9))
      for (const auto& r : feed(payload, "192.0.2.1"))
        out.push_back(r);
    return out;
  }
  signature::SignatureScanner scanner;
};

std::string roles(const decode::FlowRecord& r) {
  return std::string(decode::role_name(static_cast<InterfaceRole>(r.src_role))) + ">" +
         std::string(decode::role_name(static_cast<InterfaceRole>(r.dst_role)));
}

// Per flow of interface_exports.h, in order: ingress role > egress role.
const std::vector<std::string> kRolesWithTheRule = {
    "external>internal", "internal>external", "external>internal", "external>external",
    "internal>internal", "internal>internal", "external>unknown",  "external>internal"};

TEST(InterfaceRoles, OptionsDataNamesInterfacesAndRecordsCarryTheirRoles) {
  for (const bool v9 : {false, true}) {
    SCOPED_TRACE(v9 ? "NetFlow v9, fixed-length names, Interface scope"
                    : "IPFIX, variable-length names, ingressInterface scope");
    ClassifyingHarness h;
    const auto set = transit_rule();
    h.scanner.use(set.get(), 0);
    const auto records = h.feed_all(v9);
    ASSERT_EQ(records.size(), kRolesWithTheRule.size());
    for (size_t i = 0; i < records.size(); ++i)
      EXPECT_EQ(roles(records[i]), kRolesWithTheRule[i]) << i;
    EXPECT_EQ(h.count(DecodeCounter::interface_named), 3u);
    EXPECT_EQ(h.decoder.interfaces().size(), 3u);
    // Each interface was told once: the transit and the peering link matched.
    EXPECT_EQ(set->matches(0), 2u);
  }
}

TEST(InterfaceRoles, WithoutInterfaceRulesRecordsCarryNoRoles) {
  ClassifyingHarness h;
  const auto set = compiled({rule("ssh", "^SSH-", "ssh", ScanTarget::kPayload)});
  h.scanner.use(set.get(), 0);
  for (const auto& r : h.feed_all())
    EXPECT_EQ(roles(r), "unknown>unknown");
  EXPECT_EQ(h.decoder.interfaces().size(), 3u) << "names are kept for a later rule set";

  testing::DecodeHarness no_classifier;  // a decoder nobody gave a classifier
  for (const auto& payload : testing::interface_role_exports())
    for (const auto& r : no_classifier.feed(payload, "192.0.2.1"))
      EXPECT_EQ(roles(r), "unknown>unknown");
}

TEST(InterfaceRoles, ARuleSetSwappedInTellsEveryRoleAgain) {
  ClassifyingHarness h;
  const auto first = transit_rule();
  h.scanner.use(first.get(), 0);
  h.feed_all();
  // The first matching rule decides: "servers" is marked internal before the catch-all.
  const auto second =
      compiled({rule("servers", "servers", "internal", ScanTarget::kInterfaceDescription),
                rule("any", "^.", "external", ScanTarget::kInterfaceName)});
  h.scanner.use(second.get(), 0);
  const auto payloads = testing::interface_role_exports();
  const auto records = h.feed(payloads[1], "192.0.2.1");  // flows only: the names stay known
  ASSERT_EQ(records.size(), 8u);
  EXPECT_EQ(roles(records[0]), "external>internal");  // Te0/0/0 by the catch-all, Vl100 "servers"
  EXPECT_EQ(roles(records[3]), "external>external");  // Gi0/1 by the catch-all
  EXPECT_EQ(roles(records[4]), "internal>internal");
  EXPECT_EQ(second->matches(0), 1u);
  EXPECT_EQ(second->matches(1), 3u);
  h.scanner.use(nullptr, 0);  // signatures off: no roles
  for (const auto& r : h.feed(payloads[1], "192.0.2.1"))
    EXPECT_EQ(roles(r), "unknown>unknown");
}

TEST(InterfaceRoles, AnotherExportersInterfacesAreItsOwn) {
  ClassifyingHarness h;
  const auto set = transit_rule();
  h.scanner.use(set.get(), 0);
  const auto payloads = testing::interface_role_exports();
  h.feed(payloads[0], "192.0.2.1");
  for (const auto& r : h.feed(payloads[1], "192.0.2.2"))
    EXPECT_EQ(roles(r), "unknown>unknown");
}

TEST(InterfaceRoles, TheTableIsBoundedAndForgetsTheLeastRecentlyNamed) {
  decode::DecoderConfig config;
  config.interface_capacity = 2;
  ClassifyingHarness h(config);
  const auto set = transit_rule();
  h.scanner.use(set.get(), 0);
  const auto records = h.feed_all();
  EXPECT_EQ(h.decoder.interfaces().size(), 2u);
  EXPECT_EQ(h.count(DecodeCounter::interface_table_full), 1u);
  // One of the three (named in the same packet, so equally old) made room: its records
  // say unknown where they said its role; the rest are as with room for all.
  ASSERT_EQ(records.size(), kRolesWithTheRule.size());
  size_t forgotten = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const std::string& full = kRolesWithTheRule[i];
    const std::string got = roles(records[i]);
    const size_t gt = full.find('>');
    const bool src_ok = got.substr(0, got.find('>')) == full.substr(0, gt) ||
                        got.substr(0, got.find('>')) == "unknown";
    const bool dst_ok = got.substr(got.find('>') + 1) == full.substr(gt + 1) ||
                        got.substr(got.find('>') + 1) == "unknown";
    EXPECT_TRUE(src_ok && dst_ok) << i << ": " << got;
    if (got != full) ++forgotten;
  }
  EXPECT_GT(forgotten, 0u);

  config.interface_capacity = 0;  // names not kept at all
  ClassifyingHarness off(config);
  off.scanner.use(set.get(), 0);
  for (const auto& r : off.feed_all())
    EXPECT_EQ(roles(r), "unknown>unknown");
}

// One exporter cannot fill the table: past decoder.interfaces_per_exporter its new
// interfaces are refused and counted, while another exporter still names its own; an
// interface evicted at the table's bound frees its exporter's share.
TEST(InterfaceRoles, EachExporterHasItsShareOfTheTable) {
  decode::DecoderConfig config;
  config.interfaces_per_exporter = 2;
  config.interface_capacity = 3;
  ClassifyingHarness h(config);
  const auto options = testing::interface_role_exports()[0];  // names interfaces 1, 2, 3
  h.feed(options, "192.0.2.1");
  EXPECT_EQ(h.decoder.interfaces().size(), 2u);
  EXPECT_EQ(h.count(DecodeCounter::interface_exporter_limit), 1u);
  h.feed(options, "192.0.2.1");  // a refresh: the two it holds stay, the third is refused again
  EXPECT_EQ(h.count(DecodeCounter::interface_exporter_limit), 2u);
  // The other exporter, later: one slot is free, then the table is full and the
  // interface named longest ago (one of the first exporter's) makes room.
  Bytes names;
  for (uint32_t i = 1; i <= 3; ++i)
    names.u32(i).varlen({'x'});
  h.feed(IpfixPacket()
             .export_time(testing::kInterfaceExportSecs + 100)
             .options_template_set(300, 1, {{10, 4}, {82, 0xffff}})
             .data_set(300, names)
             .build(),
         "192.0.2.2");
  EXPECT_EQ(h.decoder.interfaces().size(), 3u);
  EXPECT_EQ(h.count(DecodeCounter::interface_table_full), 1u);
  EXPECT_EQ(h.count(DecodeCounter::interface_exporter_limit), 3u);
  wire::IpAddress first_exporter, second_exporter;
  wire::IpAddress::parse("192.0.2.1", first_exporter);
  wire::IpAddress::parse("192.0.2.2", second_exporter);
  const decode::ExporterState* first = h.decoder.exporters().find(first_exporter);
  const decode::ExporterState* second = h.decoder.exporters().find(second_exporter);
  ASSERT_TRUE(first != nullptr && second != nullptr);
  EXPECT_EQ(first->interfaces, 1u) << "the evicted interface was the first exporter's";
  EXPECT_EQ(second->interfaces, 2u);
}

TEST(InterfaceRoles, HostileNamesAreCutAndUnscopedOrZeroIndexRecordsIgnored) {
  ClassifyingHarness h;
  // Rules see at most kMaxInterfaceText bytes of a name.
  const auto set = compiled({rule("long", "x{65}", "internal", ScanTarget::kInterfaceName),
                             rule("cut", "x{64}", "external", ScanTarget::kInterfaceName)});
  h.scanner.use(set.get(), 0);
  const std::vector<uint8_t> long_name(300, 'x');
  h.feed(IpfixPacket()
             .options_template_set(300, 1, {{10, 4}, {82, 0xffff}})
             .data_set(300, Bytes().u32(7).varlen(long_name).u32(0).varlen({'e', 'x', 't'}))
             .options_template_set(301, 1, {{149, 4}, {83, 0xffff}})  // scoped by domain only
             .data_set(301, Bytes().u32(1).varlen({'t', 'r', 'a', 'n', 's', 'i', 't'}))
             .build(),
         "192.0.2.1");
  EXPECT_EQ(h.decoder.interfaces().size(), 1u) << "index 0 and the unscoped record are ignored";
  const auto records = h.feed(
      IpfixPacket()
          .template_set(256, {{8, 4}, {12, 4}, {4, 1}, {10, 4}, {14, 4}})
          .data_set(256, Bytes().ipv4("203.0.113.1").ipv4("198.51.100.1").u8(6).u32(7).u32(0))
          .build(),
      "192.0.2.1");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(roles(records[0]), "external>unknown");
}

TEST(Perspective, PrefixesFirstThenInterfaceRolesThenExternal) {
  const session::PerspectiveMap map(session::default_internal_prefixes());
  wire::IpAddress public_a, public_b, private_a;
  wire::IpAddress::parse("203.0.113.50", public_a);
  wire::IpAddress::parse("198.51.100.10", public_b);
  wire::IpAddress::parse("10.1.2.3", private_a);
  using P = session::Perspective;
  constexpr auto kExt = InterfaceRole::kExternal, kInt = InterfaceRole::kInternal,
                 kUnknown = InterfaceRole::kUnknown;
  EXPECT_EQ(map.classify(public_a, public_b), P::kEdge);
  EXPECT_EQ(map.classify(public_a, public_b, kExt, kInt), P::kInbound);
  EXPECT_EQ(map.classify(public_b, public_a, kInt, kExt), P::kOutbound);
  EXPECT_EQ(map.classify(public_b, public_a, kInt, kInt), P::kPrivate);
  EXPECT_EQ(map.classify(public_a, public_b, kUnknown, kUnknown), P::kEdge);
  // A prefix decides over a role: 10/8 is internal even behind a transit link.
  EXPECT_EQ(map.classify(private_a, public_b, kExt, kInt), P::kPrivate);
  EXPECT_EQ(map.classify(public_a, private_a, kExt, kUnknown), P::kInbound);
}

}  // namespace
}  // namespace synwatch
