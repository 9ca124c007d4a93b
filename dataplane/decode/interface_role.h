// InterfaceRole: which side of the operator's network an exporter's interface faces.
// Told from the name and description the exporter gives the interface in options data
// (interfaceName, interfaceDescription) by the signature rules that look there
// (docs/signatures.md), and carried on each record for its source and destination, so
// perspective can follow interface roles where the address prefixes say nothing.
#pragma once

#include <cstdint>
#include <string_view>

namespace synwatch::decode {

// Ordered by strength: a session that hears two roles for one side keeps the stronger,
// whichever record came first (external: a transit or peering link says most).
enum class InterfaceRole : uint8_t { kUnknown = 0, kInternal = 1, kExternal = 2 };

constexpr std::string_view role_name(InterfaceRole r) {
  constexpr std::string_view names[] = {"unknown", "internal", "external"};
  return names[static_cast<size_t>(r)];
}

// Tells an interface's role from its name and description: one worker's signature
// scanner (signature/signature_scanner.h). Called off the per-record path: once per
// interface and rule set.
class InterfaceClassifier {
 public:
  virtual ~InterfaceClassifier() = default;
  // False when no rule looks at interfaces: records then carry no roles at all.
  virtual bool classifies_interfaces() const = 0;
  // Changes whenever the rules do: a role told under another generation is told again.
  virtual uint32_t generation() const = 0;
  virtual InterfaceRole classify(std::string_view name, std::string_view description) = 0;
};

}  // namespace synwatch::decode
