// SessionWriter: decided sessions as JSON lines (DESIGN.md section 5) to a stream, and
// their tally for the summary. Shared by synwatch-replay and synwatchd's writer thread.
#pragma once

#include <chrono>
#include <cstdio>
#include <mutex>
#include <span>
#include <string>

#include "dataplane/replay/session_summary.h"
#include "dataplane/session/session_event.h"

namespace synwatch::replay {

class SessionWriter : public session::SessionSink {
 public:
  // `out` may be null: tally only.
  explicit SessionWriter(std::FILE* out) : out_(out) { batch_.reserve(size_t{1} << 17); }
  void on_session(const session::SessionEvent& s) override;
  // One fwrite a batch: the stream's lock and call once, not once a line.
  void on_sessions(std::span<const session::SessionEvent> sessions) override;
  // Flushes what was written if `interval` has passed since the last flush (live
  // output reaches readers of the file without waiting for a full buffer).
  void flush_every(std::chrono::milliseconds interval);
  // The writer's thread: lines go to `out` from now on (the file was reopened).
  void set_output(std::FILE* out) { out_ = out; }

  SessionTally tally;
  // Any thread: the tally as the writer last published it (from flush_every(), at
  // most `interval` old while sessions flow, and at the end: publish()).
  SessionTally published_tally() const {
    std::lock_guard lock(published_mutex_);
    return published_;
  }
  void publish() {
    std::lock_guard lock(published_mutex_);
    published_ = tally;
  }

 private:
  mutable std::mutex published_mutex_;
  SessionTally published_;
  std::chrono::steady_clock::time_point last_publish_ = std::chrono::steady_clock::now();
  std::FILE* out_;
  std::string batch_;  // a batch's lines, reused
  bool unflushed_ = false;
  std::chrono::steady_clock::time_point last_flush_ = std::chrono::steady_clock::now();
};

}  // namespace synwatch::replay
