// AlertLogFile: alert events as JSON lines (DESIGN.md section 5) appended to a file,
// reopened by path on SIGHUP so that logrotate can move it away.
#pragma once

#include <cstdio>
#include <string>

#include "control/sinks/alert_destination.h"
#include "dataplane/replay/output_file.h"

namespace synwatch::sinks {

class AlertLogFile : public AlertDestination {
 public:
  // `warnings`: where reopen problems are reported (stderr).
  explicit AlertLogFile(std::FILE* warnings) : warnings_(warnings) {}
  // "-" is standard output. False with `error` when it cannot be opened.
  bool open(const std::string& path, std::string& error) { return file_.open(path, error); }

  bool deliver(const detect::Alert& alert) override;
  void flush() override;
  void reopen() override;

 private:
  std::FILE* warnings_;
  replay::OutputFile file_;  // line buffered: someone may be tailing it
};

}  // namespace synwatch::sinks
