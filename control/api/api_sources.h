// What the API's services read: the daemon's parts, each with its own thread-safe
// accessor (published worker stats, the writer's published tally and session watch, the
// alert store, the configuration store). The services hold references only; the daemon owns them all.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "control/alerts/alert_store.h"
#include "control/config/config_applier.h"
#include "control/config/config_store.h"
#include "control/sessions/session_watch.h"

namespace synwatch::pipeline {
class Pipeline;
}
namespace synwatch::detect {
class EngineRequests;
}
namespace synwatch::replay {
class SessionWriter;
}

namespace synwatch::control {

// The daemon as a whole: what it is and what it receives on (known once the input is
// open, after the API has started).
class DaemonStatus {
 public:
  DaemonStatus(std::string version, int64_t started_ms) : version_(std::move(version)), started_ms_(started_ms) {}
  void set_input(const std::string& input) {
    std::lock_guard lock(mutex_);
    input_ = input;
  }
  std::string input() const {
    std::lock_guard lock(mutex_);
    return input_;
  }
  const std::string& version() const { return version_; }
  int64_t started_ms() const { return started_ms_; }

 private:
  mutable std::mutex mutex_;
  std::string input_ = "starting";
  const std::string version_;
  const int64_t started_ms_;
};

struct ApiSources {
  const pipeline::Pipeline& pipeline;
  const replay::SessionWriter& sessions;
  const SessionWatch& watch;
  AlertStore& alerts;
  const config::ConfigStore& config;
  const DaemonStatus& status;
  detect::EngineRequests* detection = nullptr;  // null: detection is off
  config::ConfigApplier* applier = nullptr;     // null: no changes at runtime
};

}  // namespace synwatch::control
