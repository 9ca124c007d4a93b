// OutputFile: a JSON lines output of the daemon that survives logrotate. The file is
// opened for appending (a restart never truncates what was written), and reopened by
// path when asked (SIGHUP), on the thread that writes it. A reopen that fails keeps the
// old stream, so no line is lost: the rotated file keeps receiving until the path can
// be opened again, retried once a second with one warning.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

namespace synwatch::replay {

class OutputFile {
 public:
  // `buffer_bytes`: 0 writes each line out at once (line buffered), else a buffer of
  // that size is flushed by the writer.
  explicit OutputFile(size_t buffer_bytes = 0) : buffer_bytes_(buffer_bytes) {}
  ~OutputFile() { close(); }
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  // `path`: a file; "-" standard output (never reopened); "" none (stream() is null).
  // False with `error` ("cannot write 'PATH': reason") when it cannot be opened.
  bool open(const std::string& path, std::string& error);
  std::FILE* stream() const { return stream_; }
  const std::string& path() const { return path_; }

  // Any thread: reopen at the writer's next chance.
  void request_reopen() { reopen_requested_.store(true, std::memory_order_relaxed); }
  // The writing thread: reopens if asked (or if a failed reopen is due for a retry).
  // True when stream() changed. Problems go to `warnings` (stderr) as one line each.
  bool reopen_if_requested(std::FILE* warnings);

  // Flushes and closes; false if any write to this stream failed.
  bool close();

 private:
  std::FILE* open_stream(std::string& error);

  const size_t buffer_bytes_;
  std::string path_;
  std::FILE* stream_ = nullptr;
  std::unique_ptr<char[]> buffer_;
  std::atomic<bool> reopen_requested_{false};
  bool retrying_ = false;
  std::chrono::steady_clock::time_point next_retry_{};
};

}  // namespace synwatch::replay
