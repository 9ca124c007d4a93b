#include "control/sinks/alert_log_file.h"

#include "dataplane/json/alert_json.h"

namespace synwatch::sinks {

bool AlertLogFile::deliver(const detect::Alert& alert) {
  std::FILE* out = file_.stream();
  if (out == nullptr) return false;
  json::JsonLine line;
  const std::string_view text = json::alert_to_json(alert, line);
  const bool ok = std::fwrite(text.data(), 1, text.size(), out) == text.size() && !std::ferror(out);
  std::clearerr(out);  // the next line is tried afresh (the disk may have room again)
  return ok;
}

void AlertLogFile::flush() {
  if (file_.stream() != nullptr) std::fflush(file_.stream());
  // A reopen that failed is retried here too, as alerts keep arriving.
  file_.reopen_if_requested(warnings_);
}

void AlertLogFile::reopen() {
  file_.request_reopen();
  file_.reopen_if_requested(warnings_);
}

}  // namespace synwatch::sinks
