// The signatures section of the configuration: rules that label records by what their
// bytes say (a sampled packet's payload, or a string field of the record).
//
//   signatures:
//     scan_bytes: 256            # the first bytes of each payload or string scanned
//     rules:
//       - id: ssh-banner
//         expression: '^SSH-[12]\.[0-9]+-'
//         target: payload        # or application_name, interface_name, http_host, ...
//         flags: [caseless]      # caseless, dotall, multiline
//         label: ssh
//       - id: transit-links
//         expression: '(transit|peering|upstream)'
//         target: interface_description   # or interface_name
//         flags: [caseless]
//         label: external        # rules on interfaces give a role: external or internal
//
// A record carries the label of the first rule, in this order, that matched it; a
// session the first label among its records. An interface named in options data takes
// the role of the first interface rule that matches its name or description; internal
// when none does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dataplane/common/setting_bounds.h"
#include "dataplane/decode/interface_role.h"
#include "dataplane/decode/scan_span.h"

namespace synwatch::signature {

struct SignatureRule {
  std::string id;          // names the rule in errors and metrics
  std::string expression;  // a Hyperscan (PCRE-subset) regular expression
  decode::ScanTarget target = decode::ScanTarget::kPayload;
  bool caseless = false;
  bool dotall = false;
  bool multiline = false;
  std::string label;  // what a match says the record was
  // Where the rule was written, for errors: "rules[3]", "rule_files[0] (FILE).rules[3]";
  // "" gives "rules[INDEX]".
  std::string where;

  bool operator==(const SignatureRule&) const = default;
  // How errors name the rule, the `index`th of its set: its place, then with its id.
  std::string place(size_t index) const;
  std::string named(size_t index) const { return place(index) + " (" + id + ")"; }
};

struct SignatureConfig {
  static constexpr uint32_t kMaxRules = 10000;
  static constexpr uint32_t kMaxScanBytes = 4096;
  static constexpr size_t kMaxNameLength = 64;

  std::vector<SignatureRule> rules;
  uint32_t scan_bytes = 256;

  bool operator==(const SignatureConfig&) const = default;
  bool enabled() const { return !rules.empty(); }

  // "" when every rule is well formed and compiles; else "field: reason", naming the
  // rule by its place and id ("rules[3] (nmap-ua).expression: ...").
  std::string validate() const;
  // The numeric settings' ranges (setting_bounds.h).
  std::vector<SettingBound> bounds() const;
};

// The role an interface rule's label gives: "external" or "internal"; false otherwise.
bool parse_interface_role(std::string_view label, decode::InterfaceRole& out);

// "" when `name` may name a rule or a label (letters, digits and - _ . : /, at most
// kMaxNameLength); else why not.
std::string check_name(const std::string& name);

}  // namespace synwatch::signature
