// The detectors' learnt state (baselines) in a file, so that a restart does not forget
// them: failed_sessions' partition models and syn_flood's service baselines. Written on
// shutdown and every snapshot_every_s, read on start.
//
// The file: "SWDETSNP" | version u32 | interval_s u32 | sections | FNV-1a 64 of all
// before it. A section is: name length u8 | name | payload length u32 | payload; each
// detector reads only its own. Integers are big-endian, doubles their IEEE bits. It is
// written to a temporary file, synced and renamed over the old one, so a crash leaves
// the old snapshot or the new one, never half of one. A file that does not check out
// (another version, another interval, a wrong checksum, a value out of range) is
// refused whole, with the reason.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "dataplane/session/perspective.h"
#include "dataplane/wire/byte_cursor.h"
#include "dataplane/wire/ip_address.h"

namespace synwatch::detect {

class SnapshotWriter {
 public:
  void u8(uint8_t v) { bytes_.push_back(static_cast<char>(v)); }
  void u16(uint16_t v);
  void u32(uint32_t v);
  void u64(uint64_t v);
  void i64(int64_t v) { u64(static_cast<uint64_t>(v)); }
  void f64(double v);
  void f32(float v);
  void address(const wire::IpAddress& a);
  void perspective(session::Perspective p) { u8(static_cast<uint8_t>(p)); }
  // A section: name, then what `fill` writes, its length in front.
  template <typename Fill>
  void section(std::string_view name, Fill&& fill) {
    u8(static_cast<uint8_t>(name.size()));
    bytes_.append(name);
    const size_t at = bytes_.size();
    u32(0);
    fill(*this);
    const auto length = static_cast<uint32_t>(bytes_.size() - at - 4);
    for (int i = 0; i < 4; ++i) bytes_[at + static_cast<size_t>(i)] = static_cast<char>(length >> (24 - 8 * i));
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// Reads what SnapshotWriter wrote. Every read checks its length; the first failure
// sticks (ok() false) and later reads return zeros, so a parser checks once at the end.
class SnapshotReader {
 public:
  explicit SnapshotReader(wire::ByteCursor cursor) : cursor_(cursor) {}
  uint8_t u8();
  uint16_t u16();
  uint32_t u32();
  uint64_t u64();
  int64_t i64() { return static_cast<int64_t>(u64()); }
  double f64();  // finite, or a failure
  float f32();   // finite, or a failure
  wire::IpAddress address();
  session::Perspective perspective();
  // A count of entries of at least `entry_bytes` each, no more than `limit`.
  uint32_t count(uint32_t limit, size_t entry_bytes);
  bool ok() const { return ok_; }
  bool done() const { return ok_ && cursor_.empty(); }
  void fail() { ok_ = false; }

 private:
  template <typename T>
  T checked(bool (wire::ByteCursor::*read)(T&));
  template <typename Float, typename Bits>
  Float finite(Bits bits);  // the IEEE value of `bits`, refused unless finite

  wire::ByteCursor cursor_;
  bool ok_ = true;
};

// The whole file around the detectors' sections.
std::string snapshot_file_bytes(uint32_t interval_s, const std::string& sections);
// Checks the frame; on success `sections` is a cursor over the sections. Otherwise the
// reason.
std::string open_snapshot(const std::string& file, uint32_t interval_s, wire::ByteCursor& sections);

// Writes `bytes` to `path` atomically (temporary file, fsync, rename); "" or the reason.
std::string write_file_atomically(const std::string& path, const std::string& bytes);
// Reads a whole file of at most `limit` bytes; "" or the reason. `missing` tells a file
// that is not there (a first start) from one that cannot be read.
std::string read_small_file(const std::string& path, size_t limit, std::string& out, bool& missing);

}  // namespace synwatch::detect
