// ByteCursor: the one way synwatch reads bytes that came from the network.
//
// Every read checks the remaining length first and fails without moving when the
// bytes are not there, so a decoder can never read past the end of a packet, however
// its length fields lie. Reads are big-endian (network order) unless named otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace synwatch::wire {

class ByteCursor {
 public:
  ByteCursor() = default;
  ByteCursor(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  size_t remaining() const { return size_ - pos_; }
  size_t offset() const { return pos_; }
  bool empty() const { return pos_ == size_; }
  const uint8_t* current() const { return data_ + pos_; }

  [[nodiscard]] bool skip(size_t n) {
    if (n > remaining()) return false;
    pos_ += n;
    return true;
  }

  [[nodiscard]] bool read_u8(uint8_t& out) {
    if (remaining() < 1) return false;
    out = data_[pos_++];
    return true;
  }
  [[nodiscard]] bool read_u16(uint16_t& out) {
    if (remaining() < 2) return false;
    out = static_cast<uint16_t>(data_[pos_] << 8 | data_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  [[nodiscard]] bool read_u32(uint32_t& out) {
    if (remaining() < 4) return false;
    out = load_be32(data_ + pos_);
    pos_ += 4;
    return true;
  }
  [[nodiscard]] bool read_u64(uint64_t& out) {
    if (remaining() < 8) return false;
    out = uint64_t{load_be32(data_ + pos_)} << 32 | load_be32(data_ + pos_ + 4);
    pos_ += 8;
    return true;
  }
  // An unsigned integer of 1..8 bytes: IPFIX reduced-size encoding (RFC 7011 6.2).
  [[nodiscard]] bool read_uint(size_t length, uint64_t& out) {
    if (length == 0 || length > 8 || length > remaining()) return false;
    out = load_be_n(data_ + pos_, length);
    pos_ += length;
    return true;
  }
  // A view of the next n bytes; the cursor moves past them.
  [[nodiscard]] bool read_bytes(size_t n, const uint8_t*& out) {
    if (n > remaining()) return false;
    out = data_ + pos_;
    pos_ += n;
    return true;
  }
  // A cursor over the next n bytes; this cursor moves past them.
  [[nodiscard]] bool take(size_t n, ByteCursor& out) {
    if (n > remaining()) return false;
    out = ByteCursor(data_ + pos_, n);
    pos_ += n;
    return true;
  }

  static uint32_t load_be32(const uint8_t* p) {
    return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
  }
  static uint64_t load_be64(const uint8_t* p) {
    return uint64_t{load_be32(p)} << 32 | load_be32(p + 4);
  }
  static uint16_t load_be16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
  static uint64_t load_be_n(const uint8_t* p, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; ++i) v = v << 8 | p[i];
    return v;
  }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  size_t pos_ = 0;
};

}  // namespace synwatch::wire
