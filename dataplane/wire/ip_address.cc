#include "dataplane/wire/ip_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace synwatch::wire {

bool IpAddress::parse(std::string_view text, IpAddress& out) {
  char buf[kTextMax + 1];
  if (text.empty() || text.size() > kTextMax) return false;
  std::memcpy(buf, text.data(), text.size());
  buf[text.size()] = '\0';
  uint8_t raw[16];
  if (inet_pton(AF_INET, buf, raw) == 1) {
    out = v4_bytes(raw);
    return true;
  }
  if (inet_pton(AF_INET6, buf, raw) == 1) {
    out = v6_bytes(raw);
    return true;
  }
  return false;
}

size_t IpAddress::format(char* out) const {
  if (is_v4()) {
    // By hand: glibc's inet_ntop formats IPv4 with sprintf, a tenth of the CPU of a
    // daemon writing sessions (perf/peers).
    char* p = out;
    for (size_t i = 12; i < 16; ++i) {
      if (i > 12) *p++ = '.';
      p = std::to_chars(p, out + kTextMax, bytes_[i]).ptr;
    }
    *p = '\0';
    return static_cast<size_t>(p - out);
  }
  // glibc's inet_ntop writes RFC 5952 text: lowercase, longest zero run compressed,
  // a single zero group never compressed.
  const char* r = inet_ntop(AF_INET6, bytes_.data(), out, kTextMax);
  if (r == nullptr) {
    out[0] = '\0';
    return 0;
  }
  return std::strlen(out);
}

std::string IpAddress::to_string() const {
  char buf[kTextMax];
  return std::string(buf, format(buf));
}

}  // namespace synwatch::wire
