#include "dataplane/session/perspective.h"

#include <algorithm>
#include <charconv>

namespace synwatch::session {
namespace {

// Clears the bits after the first `bits` bits of the 16-byte form.
wire::IpAddress masked(const wire::IpAddress& a, unsigned bits) {
  auto bytes = a.bytes();
  for (unsigned i = 0; i < 16; ++i) {
    const unsigned keep = bits >= (i + 1) * 8 ? 8 : (bits > i * 8 ? bits - i * 8 : 0);
    bytes[i] = static_cast<uint8_t>(bytes[i] & (0xff00u >> keep));
  }
  if (a.is_v4()) {
    return wire::IpAddress::v4_bytes(bytes.data() + 12);
  }
  return wire::IpAddress::v6_bytes(bytes.data());
}

unsigned full_bits(const Prefix& p) { return p.address.is_v4() ? 96u + p.length : p.length; }

// The mask of the first `bits` bits of the 16-byte form, over word w.
uint64_t mask_word(unsigned bits, unsigned w) {
  const unsigned in_word = bits > 64 * w ? std::min(bits - 64 * w, 64u) : 0u;
  return in_word == 0 ? 0 : ~uint64_t{0} << (64 - in_word);
}

}  // namespace

bool Prefix::parse(std::string_view text, Prefix& out, std::string& error) {
  const size_t slash = text.find('/');
  const std::string_view addr = text.substr(0, slash);
  wire::IpAddress a;
  if (!wire::IpAddress::parse(addr, a)) {
    error = "'" + std::string(text) + "' is not an IPv4 or IPv6 prefix";
    return false;
  }
  const unsigned max = a.is_v4() ? 32 : 128;
  unsigned length = max;
  if (slash != std::string_view::npos) {
    const std::string_view len = text.substr(slash + 1);
    auto r = std::from_chars(len.data(), len.data() + len.size(), length);
    if (r.ec != std::errc{} || r.ptr != len.data() + len.size() || length > max) {
      error = "'" + std::string(text) + "': prefix length must be 0.." + std::to_string(max);
      return false;
    }
  }
  out.length = static_cast<uint8_t>(length);
  out.address = masked(a, a.is_v4() ? 96 + length : length);
  for (unsigned w = 0; w < 2; ++w) {
    out.mask_[w] = mask_word(full_bits(out), w);
    out.word_[w] = out.address.word(w) & out.mask_[w];
  }
  return true;
}

std::string Prefix::to_string() const {
  return address.to_string() + "/" + std::to_string(length);
}

std::vector<Prefix> default_internal_prefixes() {
  std::vector<Prefix> out;
  std::string error;
  for (const char* text : {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                           "fc00::/7"}) {
    Prefix p;
    Prefix::parse(text, p, error);
    out.push_back(p);
  }
  return out;
}

PerspectiveMap::PerspectiveMap(const std::vector<Prefix>& internal,
                               const std::vector<Prefix>& external) {
  for (const auto& p : internal) entries_.push_back({p, true});
  for (const auto& p : external) entries_.push_back({p, false});
  // Longest first; at equal length an external exception wins.
  std::stable_sort(entries_.begin(), entries_.end(), [](const Entry& a, const Entry& b) {
    if (full_bits(a.prefix) != full_bits(b.prefix)) return full_bits(a.prefix) > full_bits(b.prefix);
    return !a.internal && b.internal;
  });
}

bool PerspectiveMap::internal(const wire::IpAddress& a, decode::InterfaceRole role) const {
  for (const auto& e : entries_)
    if (e.prefix.contains(a)) return e.internal;
  return role == decode::InterfaceRole::kInternal;
}

Perspective PerspectiveMap::classify(const wire::IpAddress& client, const wire::IpAddress& server,
                                     decode::InterfaceRole client_role,
                                     decode::InterfaceRole server_role) const {
  if (link_local_or_multicast(client) || link_local_or_multicast(server))
    return Perspective::kExcluded;
  const bool c = internal(client, client_role), s = internal(server, server_role);
  if (c && s) return Perspective::kPrivate;
  if (c) return Perspective::kOutbound;
  if (s) return Perspective::kInbound;
  return Perspective::kEdge;
}

bool link_local_or_multicast(const wire::IpAddress& a) {
  const auto& b = a.bytes();
  if (a.is_v4()) return (b[12] == 169 && b[13] == 254) || (b[12] & 0xf0) == 224;
  return (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || b[0] == 0xff;
}

bool Prefix::parse_list(std::string_view text, std::vector<Prefix>& out, std::string& error) {
  std::vector<Prefix> list;
  for (size_t start = 0; start <= text.size();) {
    const size_t comma = std::min(text.find(',', start), text.size());
    Prefix p;
    if (!parse(text.substr(start, comma - start), p, error)) return false;
    list.push_back(p);
    start = comma + 1;
  }
  out = std::move(list);
  return true;
}

}  // namespace synwatch::session
