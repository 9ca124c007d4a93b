// A border router's exports that name its interfaces: IPFIX (or NetFlow v9) options
// data with interfaceName and interfaceDescription, then TCP flows through those
// interfaces. What the interface-role tests feed the decoder, the replay and the daemon.
//
// Interfaces of exporter 192.0.2.1:
//   1 Te0/0/0 "TRANSIT: AS64500 upstream"   -> external by the rule below
//   2 Vl100   "servers"                     -> internal: named, no rule marks it
//   3 Gi0/1   "IX peering LAN"              -> external
//   4 never named                           -> unknown
// Sessions (client -> server: in_if/out_if of the client's packets) and their
// perspective with the rule, and without (default internal prefixes, RFC 1918):
//   203.0.113.50:40000 -> 198.51.100.10:22   1/2  unanswered  inbound   edge
//   198.51.100.10:50000 -> 203.0.113.60:443  2/1  established outbound  edge
//   203.0.113.70:41000 -> 192.0.2.200:80     3/1  unanswered  edge      edge
//   198.51.100.20:42000 -> 198.51.100.10:80  2/2  established private   edge
//   203.0.113.80:43000 -> 10.1.2.3:25        1/4  unanswered  inbound   inbound (prefix)
//   10.9.9.9:44000 -> 198.51.100.10:8080     1/2  unanswered  private   outbound (the
//                                                 prefix says 10.9.9.9 is internal)
#pragma once

#include <cstdint>
#include <filesystem>
#include <vector>

namespace synwatch::testing {

inline constexpr const char* kInterfaceRuleYaml =
    "signatures:\n"
    "  rules:\n"
    "    - id: transit-or-peering\n"
    "      expression: '(transit|upstream|peering)'\n"
    "      target: interface_description\n"
    "      flags: [caseless]\n"
    "      label: external\n";

// The export payloads, in order: options first, then one packet of flows. `v9`: NetFlow
// v9 with fixed-length, NUL-padded names and the Interface scope; else IPFIX with
// variable-length names scoped by ingressInterface.
std::vector<std::vector<uint8_t>> interface_role_exports(bool v9 = false);

// The flows alone, exported at `export_secs` with sequence number `sequence` (their
// times a few seconds before): the same sessions again, later.
std::vector<uint8_t> interface_role_flows(bool v9, uint32_t export_secs, uint32_t sequence);
inline constexpr uint32_t kInterfaceExportSecs = 1700000000;

// The same as a capture: exporter 192.0.2.1 -> collector 192.0.2.9:4739, a second apart.
void write_interface_role_capture(const std::filesystem::path& path, bool v9 = false);

}  // namespace synwatch::testing
