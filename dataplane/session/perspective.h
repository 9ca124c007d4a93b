// Perspective (DESIGN.md section 3): where a session sits relative to the operator's
// network, from the internal prefixes (longest-prefix match, IPv4 and IPv6); where no
// prefix covers an address, from the role of the interface it lies behind
// (decode/interface_role.h); else the address is external.
//   inbound  client external -> server internal     outbound  client internal -> server external
//   private  both internal                           edge      both external (transit)
// Link-local and multicast addresses are excluded from detection.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dataplane/decode/interface_role.h"
#include "dataplane/wire/ip_address.h"

namespace synwatch::session {

enum class Perspective : uint8_t { kInbound, kOutbound, kPrivate, kEdge, kExcluded };
inline constexpr size_t kPerspectiveCount = 5;

constexpr std::string_view perspective_name(Perspective p) {
  constexpr std::string_view names[] = {"inbound", "outbound", "private", "edge", "excluded"};
  return names[static_cast<size_t>(p)];
}

// The perspective of the same two hosts with client and server swapped.
constexpr Perspective reverse(Perspective p) {
  return p == Perspective::kInbound ? Perspective::kOutbound
         : p == Perspective::kOutbound ? Perspective::kInbound
                                       : p;
}

struct Prefix {
  wire::IpAddress address;  // host bits cleared
  uint8_t length = 0;       // in the address's own family (IPv4: 0..32)

  // "10.0.0.0/8", "2001:db8::/32", or an address alone (a host). False if malformed.
  static bool parse(std::string_view text, Prefix& out, std::string& error);
  // "10.0.0.0/8,2001:db8::/32" (the command lines' --internal).
  static bool parse_list(std::string_view text, std::vector<Prefix>& out, std::string& error);
  bool contains(const wire::IpAddress& a) const {
    return a.family() == address.family() && ((a.word(0) & mask_[0]) ^ word_[0]) == 0 &&
           ((a.word(1) & mask_[1]) ^ word_[1]) == 0;
  }
  std::string to_string() const;

 private:
  // The prefix as two masked big-endian words of the 16-byte form, made by parse():
  // matching is two ANDs and compares, inline (byte by byte it was 9 % of a worker's
  // CPU, and word by word but computed per call another 5 %).
  uint64_t word_[2]{};
  uint64_t mask_[2]{~uint64_t{0}, ~uint64_t{0}};  // unparsed: no address that is set
};

// RFC 1918, RFC 6598 shared address space and IPv6 unique local addresses.
std::vector<Prefix> default_internal_prefixes();

class PerspectiveMap {
 public:
  // `external` carves exceptions out of `internal` (a partner's /16 inside 10/8): the
  // longest matching prefix decides.
  explicit PerspectiveMap(const std::vector<Prefix>& internal,
                          const std::vector<Prefix>& external = {});

  // `role`: of the interface the address lies behind, for an address no prefix covers.
  bool internal(const wire::IpAddress& a,
                decode::InterfaceRole role = decode::InterfaceRole::kUnknown) const;
  Perspective classify(const wire::IpAddress& client, const wire::IpAddress& server,
                       decode::InterfaceRole client_role = decode::InterfaceRole::kUnknown,
                       decode::InterfaceRole server_role = decode::InterfaceRole::kUnknown) const;

 private:
  struct Entry {
    Prefix prefix;
    bool internal;
  };
  std::vector<Entry> entries_;  // longest first, so the first match is the longest
};

// Link-local (169.254/16, fe80::/10) or multicast (224/4, ff00::/8).
bool link_local_or_multicast(const wire::IpAddress& a);

}  // namespace synwatch::session
