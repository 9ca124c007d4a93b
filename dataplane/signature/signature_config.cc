#include "dataplane/signature/signature_config.h"

#include <unordered_set>

#include "dataplane/signature/signature_set.h"

namespace synwatch::signature {

std::string check_name(const std::string& name) {
  if (name.empty()) return "missing";
  if (name.size() > SignatureConfig::kMaxNameLength)
    return "longer than " + std::to_string(SignatureConfig::kMaxNameLength) + " characters";
  for (const char ch : name) {
    const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' || ch == '.' || ch == ':' ||
                    ch == '/';
    if (!ok) return "'" + name + "': only letters, digits and - _ . : / are allowed";
  }
  return {};
}

bool parse_interface_role(std::string_view label, decode::InterfaceRole& out) {
  for (const auto role : {decode::InterfaceRole::kExternal, decode::InterfaceRole::kInternal}) {
    if (label == decode::role_name(role)) {
      out = role;
      return true;
    }
  }
  return false;
}

std::string SignatureRule::place(size_t index) const {
  return where.empty() ? "rules[" + std::to_string(index) + "]" : where;
}

std::vector<SettingBound> SignatureConfig::bounds() const {
  return {{"scan_bytes", scan_bytes, 16, kMaxScanBytes}};
}

std::string SignatureConfig::validate() const {
  if (std::string problem = check_bounds(bounds()); !problem.empty()) return problem;
  if (rules.size() > kMaxRules)
    return "rules: " + std::to_string(rules.size()) + " rules, at most " +
           std::to_string(kMaxRules);
  std::unordered_set<std::string> ids;
  for (size_t i = 0; i < rules.size(); ++i) {
    const SignatureRule& r = rules[i];
    if (std::string problem = check_name(r.id); !problem.empty()) return r.place(i) + ".id: " + problem;
    const std::string named = r.named(i);
    if (!ids.insert(r.id).second) return named + ".id: used by an earlier rule";
    if (r.expression.empty()) return named + ".expression: missing";
    if (std::string problem = check_name(r.label); !problem.empty())
      return named + ".label: " + problem;
    decode::InterfaceRole role;
    if (decode::is_interface_target(r.target) && !parse_interface_role(r.label, role))
      return named + ".label: '" + r.label + "': a rule on " +
             std::string(decode::scan_target_name(r.target)) +
             " gives the interface's role: external or internal";
  }
  // The expressions: Hyperscan's own compiler says which one it refuses and why.
  std::string error;
  if (rules.empty() || SignatureSet::compile(*this, 1, error) != nullptr) return {};
  return error;
}

}  // namespace synwatch::signature
