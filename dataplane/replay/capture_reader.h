// CaptureReader: streams frames out of a pcap or pcapng file through libpcap, one at a
// time, so memory stays flat whatever the file's size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

struct pcap;

namespace synwatch::replay {

struct CapturedFrame {
  const uint8_t* data = nullptr;
  size_t captured = 0;  // bytes present in the file
  size_t wire = 0;      // bytes on the wire
  int64_t time_ns = 0;  // capture timestamp, nanoseconds since the epoch
};

class CaptureReader {
 public:
  // Opens `path`; on failure returns nullptr and a one-line reason in `error`.
  static std::unique_ptr<CaptureReader> open(const std::string& path, std::string& error);
  ~CaptureReader();

  enum class Next { kFrame, kEnd, kError };
  // The next frame (valid until the next call); kError leaves the reason in error().
  Next next(CapturedFrame& frame);

  int link_type() const { return link_type_; }
  const std::string& error() const { return error_; }

 private:
  explicit CaptureReader(pcap* handle);
  pcap* handle_;
  int link_type_;
  std::string error_;
};

}  // namespace synwatch::replay
