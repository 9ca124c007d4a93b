#include "dataplane/replay/session_writer.h"

#include "dataplane/json/session_json.h"

namespace synwatch::replay {

void SessionWriter::on_session(const session::SessionEvent& s) { on_sessions({&s, 1}); }

void SessionWriter::on_sessions(std::span<const session::SessionEvent> sessions) {
  if (out_ == nullptr) {
    for (const session::SessionEvent& s : sessions) tally.add(s);
    return;
  }
  batch_.clear();
  for (const session::SessionEvent& s : sessions) {
    tally.add(s);
    json::JsonLine line;  // one a line: a JsonLine is written once
    batch_.append(json::session_to_json(s, line));
  }
  std::fwrite(batch_.data(), 1, batch_.size(), out_);
  unflushed_ = true;
}

void SessionWriter::flush_every(std::chrono::milliseconds interval) {
  const auto now = std::chrono::steady_clock::now();
  if (now - last_publish_ >= interval) {
    publish();
    last_publish_ = now;
  }
  if (!unflushed_ || now - last_flush_ < interval) return;
  std::fflush(out_);
  unflushed_ = false;
  last_flush_ = now;
}

}  // namespace synwatch::replay
