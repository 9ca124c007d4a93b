#include "dataplane/detect/model_snapshot.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace synwatch::detect {

namespace {

constexpr char kMagic[8] = {'S', 'W', 'D', 'E', 'T', 'S', 'N', 'P'};
constexpr uint32_t kVersion = 1;

uint64_t fnv1a(const uint8_t* p, size_t n) {
  uint64_t h = 1469598103934665603ULL;
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ULL;
  return h;
}

std::string system_error(const char* what, const std::string& path) {
  return std::string(what) + " " + path + ": " + std::strerror(errno);
}

}  // namespace

void SnapshotWriter::u16(uint16_t v) {
  u8(static_cast<uint8_t>(v >> 8));
  u8(static_cast<uint8_t>(v));
}
void SnapshotWriter::u32(uint32_t v) {
  u16(static_cast<uint16_t>(v >> 16));
  u16(static_cast<uint16_t>(v));
}
void SnapshotWriter::u64(uint64_t v) {
  u32(static_cast<uint32_t>(v >> 32));
  u32(static_cast<uint32_t>(v));
}
void SnapshotWriter::f64(double v) {
  uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  u64(bits);
}
void SnapshotWriter::f32(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  u32(bits);
}
void SnapshotWriter::address(const wire::IpAddress& a) {
  u8(a.family());
  for (uint8_t b : a.bytes()) u8(b);
}

template <typename T>
T SnapshotReader::checked(bool (wire::ByteCursor::*read)(T&)) {
  T v{};
  if (ok_ && !(cursor_.*read)(v)) ok_ = false;
  return ok_ ? v : T{};
}
uint8_t SnapshotReader::u8() { return checked(&wire::ByteCursor::read_u8); }
uint16_t SnapshotReader::u16() { return checked(&wire::ByteCursor::read_u16); }
uint32_t SnapshotReader::u32() { return checked(&wire::ByteCursor::read_u32); }
uint64_t SnapshotReader::u64() { return checked(&wire::ByteCursor::read_u64); }
template <typename Float, typename Bits>
Float SnapshotReader::finite(Bits bits) {
  Float v;
  std::memcpy(&v, &bits, sizeof v);
  if (!std::isfinite(v)) ok_ = false;
  return ok_ ? v : 0;
}
double SnapshotReader::f64() { return finite<double>(u64()); }
float SnapshotReader::f32() { return finite<float>(u32()); }
wire::IpAddress SnapshotReader::address() {
  const uint8_t family = u8();
  const uint8_t* bytes = nullptr;
  if (ok_ && !cursor_.read_bytes(16, bytes)) ok_ = false;
  if (!ok_) return {};
  if (family == 4) return wire::IpAddress::v4_bytes(bytes + 12);
  if (family == 6) return wire::IpAddress::v6_bytes(bytes);
  ok_ = false;
  return {};
}
session::Perspective SnapshotReader::perspective() {
  const uint8_t p = u8();
  if (p >= session::kPerspectiveCount) ok_ = false;
  return ok_ ? static_cast<session::Perspective>(p) : session::Perspective{};
}
uint32_t SnapshotReader::count(uint32_t limit, size_t entry_bytes) {
  const uint32_t n = u32();
  if (n > limit || (entry_bytes > 0 && n > cursor_.remaining() / entry_bytes)) ok_ = false;
  return ok_ ? n : 0;
}

std::string snapshot_file_bytes(uint32_t interval_s, const std::string& sections) {
  SnapshotWriter w;
  for (char c : kMagic) w.u8(static_cast<uint8_t>(c));
  w.u32(kVersion);
  w.u32(interval_s);
  std::string out = w.bytes() + sections;
  SnapshotWriter sum;
  sum.u64(fnv1a(reinterpret_cast<const uint8_t*>(out.data()), out.size()));
  return out + sum.bytes();
}

std::string open_snapshot(const std::string& file, uint32_t interval_s, wire::ByteCursor& sections) {
  const auto* p = reinterpret_cast<const uint8_t*>(file.data());
  if (file.size() < sizeof kMagic + 16 || std::memcmp(p, kMagic, sizeof kMagic) != 0)
    return "not a synwatch detector snapshot";
  wire::ByteCursor c(p, file.size() - 8);
  uint64_t stored = 0;
  wire::ByteCursor tail(p + file.size() - 8, 8);
  uint32_t version = 0, interval = 0;
  if (!tail.read_u64(stored) || stored != fnv1a(p, file.size() - 8)) return "checksum mismatch (a damaged file)";
  if (!c.skip(sizeof kMagic) || !c.read_u32(version) || !c.read_u32(interval)) return "truncated header";
  if (version != kVersion)
    return "version " + std::to_string(version) + ", this synwatch reads version " + std::to_string(kVersion);
  if (interval != interval_s)
    return "made with detectors.interval_s " + std::to_string(interval) + ", now " + std::to_string(interval_s);
  sections = wire::ByteCursor(c.current(), c.remaining());
  return "";
}

std::string write_file_atomically(const std::string& path, const std::string& bytes) {
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return system_error("cannot create", temporary);
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string error = system_error("cannot write", temporary);
      ::close(fd);
      ::unlink(temporary.c_str());
      return error;
    }
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const std::string error = system_error("cannot sync", temporary);
    ::close(fd);
    ::unlink(temporary.c_str());
    return error;
  }
  ::close(fd);
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string error = system_error("cannot rename onto", path);
    ::unlink(temporary.c_str());
    return error;
  }
  return "";
}

std::string read_small_file(const std::string& path, size_t limit, std::string& out, bool& missing) {
  missing = false;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    missing = errno == ENOENT;
    return system_error("cannot open", path);
  }
  out.clear();
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const std::string error = system_error("cannot read", path);
      ::close(fd);
      return error;
    }
    if (n == 0) break;
    if (out.size() + static_cast<size_t>(n) > limit) {
      ::close(fd);
      return path + ": larger than " + std::to_string(limit) + " bytes";
    }
    out.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  return "";
}

}  // namespace synwatch::detect
