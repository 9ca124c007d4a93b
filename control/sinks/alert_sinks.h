// AlertSinks: the slow alert destinations the configuration names (output.alerts, a
// JSON lines file; output.syslog), each behind its own AlertOutbox, so that one stalled
// sink neither holds up the other nor the detectors.
#pragma once

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "control/sinks/alert_outbox.h"
#include "dataplane/daemon/dataplane_config.h"

namespace synwatch::sinks {

class AlertSinks {
 public:
  // Opens what `output` configures; false with `error` naming the setting. Problems
  // later on (a reopen that fails, a collector away) go to `warnings` (stderr).
  bool open(const daemon::OutputConfig& output, std::FILE* warnings, std::string& error);

  // Where the detection engine's alerts go, in the order configured.
  std::vector<detect::AlertSink*> sinks();
  const std::vector<std::unique_ptr<AlertOutbox>>& outboxes() const { return outboxes_; }

  // SIGHUP: files opened again by path, connections made afresh.
  void request_reopen();
  // Delivers what the outboxes took, then stops them (shutdown, after the detectors).
  void close();

 private:
  std::vector<std::unique_ptr<AlertOutbox>> outboxes_;
};

}  // namespace synwatch::sinks
