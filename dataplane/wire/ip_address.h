// IpAddress: an IPv4 or IPv6 address in one fixed-size value.
//
// IPv4 is stored IPv4-mapped (::ffff:a.b.c.d) so that comparison and hashing treat both
// families alike; `is_v4()` tells which family the address came from.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace synwatch::wire {

class IpAddress {
 public:
  static constexpr size_t kTextMax = 46;  // INET6_ADDRSTRLEN

  IpAddress() = default;

  // IPv4 addresses are built as whole words, written at once: built byte by byte, the
  // 16-byte copy that follows (into a record) stalled on store forwarding, two thirds of
  // the NetFlow v5 decoder's time (perf/peers).
  static IpAddress v4(uint32_t host_order) {
    uint32_t network_order = host_order;
    if constexpr (std::endian::native == std::endian::little) network_order = __builtin_bswap32(host_order);
    return v4_network_order(network_order);
  }
  static IpAddress v4_bytes(const uint8_t* p) {
    uint32_t network_order;
    std::memcpy(&network_order, p, 4);
    return v4_network_order(network_order);
  }
  static IpAddress v6_bytes(const uint8_t* p) {
    IpAddress a;
    std::memcpy(a.bytes_.data(), p, 16);
    a.family_ = 6;
    return a;
  }
  // Parses dotted IPv4 or RFC 4291 IPv6 text; false if it is neither.
  static bool parse(std::string_view text, IpAddress& out);

  bool is_v4() const { return family_ == 4; }
  bool is_v6() const { return family_ == 6; }
  bool is_set() const { return family_ != 0; }
  uint8_t family() const { return family_; }
  uint32_t v4_host_order() const {
    return uint32_t{bytes_[12]} << 24 | uint32_t{bytes_[13]} << 16 | uint32_t{bytes_[14]} << 8 |
           bytes_[15];
  }
  const std::array<uint8_t, 16>& bytes() const { return bytes_; }
  // Word w (0: bytes 0..7, 1: bytes 8..15) of the 16-byte form, big-endian, so that a
  // prefix's leading bits are the word's high bits.
  uint64_t word(unsigned w) const {
    uint64_t v;
    std::memcpy(&v, bytes_.data() + 8 * w, 8);
    if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
    return v;
  }

  // Writes dotted IPv4 or RFC 5952 IPv6 into `out` (at least kTextMax bytes); returns the length.
  size_t format(char* out) const;
  std::string to_string() const;

  uint64_t hash() const {
    uint64_t hi, lo;
    std::memcpy(&hi, bytes_.data(), 8);
    std::memcpy(&lo, bytes_.data() + 8, 8);
    uint64_t h = (hi ^ (lo * 0x9e3779b97f4a7c15ULL)) + family_;
    h ^= h >> 31;
    h *= 0xbf58476d1ce4e5b9ULL;
    return h ^ (h >> 29);
  }

  // Two word compares: std::array's == became a call to memcmp, 3 % of a daemon's CPU
  // in the detectors' and exporters' tables (perf/peers).
  friend bool operator==(const IpAddress& a, const IpAddress& b) {
    uint64_t x[2], y[2];
    std::memcpy(x, a.bytes_.data(), 16);
    std::memcpy(y, b.bytes_.data(), 16);
    return a.family_ == b.family_ && ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
  }
  friend bool operator<(const IpAddress& a, const IpAddress& b) {
    if (a.family_ != b.family_) return a.family_ < b.family_;
    return a.bytes_ < b.bytes_;
  }

 private:
  // `a` holds the address's 4 bytes in memory order: bytes 8..15 become 00 00 ff ff a.
  static IpAddress v4_network_order(uint32_t a) {
    uint64_t words[2] = {0, 0};
    if constexpr (std::endian::native == std::endian::little) {
      words[1] = uint64_t{a} << 32 | 0xffff0000ULL;
    } else {
      words[1] = 0x0000ffff00000000ULL | a;
    }
    IpAddress out;
    std::memcpy(out.bytes_.data(), words, 16);
    out.family_ = 4;
    return out;
  }

  std::array<uint8_t, 16> bytes_{};
  uint8_t family_ = 0;
};

}  // namespace synwatch::wire
