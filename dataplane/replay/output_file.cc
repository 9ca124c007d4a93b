#include "dataplane/replay/output_file.h"

#include <cerrno>
#include <cstring>

namespace synwatch::replay {

std::FILE* OutputFile::open_stream(std::string& error) {
  std::FILE* f = std::fopen(path_.c_str(), "a");
  if (f == nullptr) {
    error = "cannot write '" + path_ + "': " + std::strerror(errno);
    return nullptr;
  }
  if (buffer_bytes_ == 0) {
    std::setvbuf(f, nullptr, _IOLBF, 0);
  } else {
    // A fresh buffer: the old stream may still be flushing out of the previous one.
    buffer_ = std::make_unique<char[]>(buffer_bytes_);
    std::setvbuf(f, buffer_.get(), _IOFBF, buffer_bytes_);
  }
  return f;
}

bool OutputFile::open(const std::string& path, std::string& error) {
  close();
  path_ = path;
  if (path.empty()) return true;
  if (path == "-") {
    stream_ = stdout;
    if (buffer_bytes_ == 0) std::setvbuf(stdout, nullptr, _IOLBF, 0);
    return true;
  }
  stream_ = open_stream(error);
  return stream_ != nullptr;
}

bool OutputFile::reopen_if_requested(std::FILE* warnings) {
  const bool asked = reopen_requested_.exchange(false, std::memory_order_relaxed);
  if (!asked && !(retrying_ && std::chrono::steady_clock::now() >= next_retry_)) return false;
  if (stream_ == nullptr || stream_ == stdout) return false;
  // The old stream's buffer must outlive its flush, so keep it until the swap.
  std::unique_ptr<char[]> old_buffer = std::move(buffer_);
  std::string error;
  std::FILE* next = open_stream(error);
  if (next == nullptr) {
    buffer_ = std::move(old_buffer);
    if (!retrying_ && warnings != nullptr)
      std::fprintf(warnings, "synwatchd: warning: %s; still writing to the old file, retrying every second\n",
                   error.c_str());
    retrying_ = true;
    next_retry_ = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    return false;
  }
  if (retrying_ && warnings != nullptr) std::fprintf(warnings, "synwatchd: reopened %s\n", path_.c_str());
  retrying_ = false;
  const bool ok = std::fflush(stream_) == 0 && !std::ferror(stream_);
  std::fclose(stream_);
  if (!ok && warnings != nullptr)
    std::fprintf(warnings, "synwatchd: warning: writing the old %s failed before the reopen\n", path_.c_str());
  stream_ = next;
  return true;
}

bool OutputFile::close() {
  if (stream_ == nullptr) return true;
  const bool ok = std::fflush(stream_) == 0 && !std::ferror(stream_);
  if (stream_ != stdout) std::fclose(stream_);
  stream_ = nullptr;
  buffer_.reset();
  return ok;
}

}  // namespace synwatch::replay
