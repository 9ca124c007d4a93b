// ConfigApplier: a new configuration taken at runtime, from the API (ApplyConfig) or
// from the file on SIGHUP, one at a time. The text is validated whole first; a change to
// a setting that only a restart can take is refused, naming the settings, and changes
// nothing; the rest goes to the detection thread between two of its rounds (no packet
// is lost: the workers never stop), is written back to the file it came from, and the
// change is logged with who made it, what changed and the new version.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "control/config/config_store.h"
#include "dataplane/detect/engine_requests.h"

namespace synwatch::config {

struct ApplyRequest {
  std::string yaml;
  uint64_t expected_version = 0;  // 0: any
  std::string expected_etag;      // "": any
  bool dry_run = false;
  bool write_back = true;         // write the text to the store's source file (not on SIGHUP: it came from there)
  std::string who;                // for the log: a token's name, a peer, "SIGHUP"
};

struct ApplyResult {
  enum class Code { kOk, kInvalid, kConflict, kRestartRequired, kUnavailable };
  Code code = Code::kOk;
  std::string message;               // why, when not kOk
  std::vector<std::string> changed;  // the settings the text changes
  std::vector<std::string> restart_required;  // of them, those only a restart takes
  uint64_t version = 0;              // in effect afterwards
  std::string etag;
  bool applied = false;              // something changed in the running daemon
};

class ConfigApplier {
 public:
  // `detection` null: detection is off (detector settings are stored, nothing to tell).
  ConfigApplier(ConfigStore& store, detect::EngineRequests* detection) : store_(store), detection_(detection) {}

  ApplyResult apply(const ApplyRequest& request);

 private:
  ApplyResult refuse(ApplyResult::Code code, std::string message, ApplyResult r);
  ConfigStore& store_;
  detect::EngineRequests* detection_;
  std::mutex applying_;  // one change at a time
};

}  // namespace synwatch::config
