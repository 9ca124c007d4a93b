#include "dataplane/wire/ip_address.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>
#include <utility>

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

namespace {

// Dotted IPv4 from 4 bytes, by hand: glibc's inet_ntop formats IPv4 with sprintf, a
// tenth of the CPU of a daemon writing sessions (perf/peers).
char* format_v4(const uint8_t* b, char* out, char* end) {
  for (int i = 0; i < 4; ++i) {
    if (i > 0) *out++ = '.';
    out = std::to_chars(out, end, b[i]).ptr;
  }
  return out;
}

char* format_hex_group(uint16_t v, char* out) {
  constexpr char kDigits[] = "0123456789abcdef";
  const int digits = v >= 0x1000 ? 4 : v >= 0x100 ? 3 : v >= 0x10 ? 2 : 1;
  for (int d = digits - 1; d >= 0; --d) *out++ = kDigits[(v >> (4 * d)) & 0xf];
  return out;
}

// The longest run of two or more zero groups (the first of equal ones), as
// {start, length}; {-1, 0} when there is none.
std::pair<int, int> longest_zero_run(const uint16_t (&groups)[8]) {
  int best = -1, best_len = 0, run = -1, run_len = 0;
  for (int i = 0; i <= 8; ++i) {
    if (i < 8 && groups[i] == 0) {
      if (run < 0) run = i, run_len = 0;
      ++run_len;
    } else if (run >= 0) {
      if (run_len > best_len) best = run, best_len = run_len;
      run = -1;
    }
  }
  if (best_len < 2) return {-1, 0};
  return {best, best_len};
}

}  // namespace

size_t IpAddress::format(char* out) const {
  char* const end = out + kTextMax;
  if (is_v4()) {
    char* p = format_v4(bytes_.data() + 12, out, end);
    *p = '\0';
    return static_cast<size_t>(p - out);
  }
  // RFC 5952 text, byte for byte what glibc's inet_ntop writes (which sprintf'd every
  // group: two thirds of an IPv6 session line): lowercase, no leading zeros, the longest
  // zero run compressed (the first of equals, never a single group), and ::a.b.c.d or
  // ::ffff:a.b.c.d for IPv4-compatible and IPv4-mapped addresses.
  uint16_t groups[8];
  for (int i = 0; i < 8; ++i)
    groups[i] = static_cast<uint16_t>(bytes_[2 * i] << 8 | bytes_[2 * i + 1]);
  const auto [zeros, zeros_len] = longest_zero_run(groups);
  char* p = out;
  for (int i = 0; i < 8; ++i) {
    if (zeros >= 0 && i >= zeros && i < zeros + zeros_len) {
      if (i == zeros) *p++ = ':';
      continue;
    }
    if (i > 0) *p++ = ':';
    if (i == 6 && zeros == 0 && (zeros_len == 6 || (zeros_len == 5 && groups[5] == 0xffff))) {
      p = format_v4(bytes_.data() + 12, p, end);
      break;
    }
    p = format_hex_group(groups[i], p);
  }
  if (zeros >= 0 && zeros + zeros_len == 8) *p++ = ':';
  *p = '\0';
  return static_cast<size_t>(p - out);
}

std::string IpAddress::to_string() const {
  char buf[kTextMax];
  return std::string(buf, format(buf));
}

}  // namespace synwatch::wire
