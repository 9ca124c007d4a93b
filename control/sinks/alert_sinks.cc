#include "control/sinks/alert_sinks.h"

#include "control/sinks/alert_log_file.h"
#include "control/sinks/syslog_sender.h"

namespace synwatch::sinks {

bool AlertSinks::open(const daemon::OutputConfig& output, std::FILE* warnings, std::string& error) {
  if (!output.alerts.empty()) {
    auto file = std::make_unique<AlertLogFile>(warnings);
    if (!file->open(output.alerts, error)) {
      error = "output.alerts: " + error;
      return false;
    }
    outboxes_.push_back(std::make_unique<AlertOutbox>("file", std::move(file), output.alert_queue));
  }
  if (output.syslog.enabled()) {
    auto sender = std::make_unique<SyslogSender>(output.syslog, warnings);
    if (!sender->open(error)) return false;
    outboxes_.push_back(std::make_unique<AlertOutbox>("syslog", std::move(sender), output.alert_queue));
  }
  return true;
}

std::vector<detect::AlertSink*> AlertSinks::sinks() {
  std::vector<detect::AlertSink*> out;
  for (auto& o : outboxes_) out.push_back(o.get());
  return out;
}

void AlertSinks::request_reopen() {
  for (auto& o : outboxes_) o->request_reopen();
}

void AlertSinks::close() {
  for (auto& o : outboxes_) o->close();
}

}  // namespace synwatch::sinks
