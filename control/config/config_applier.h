// ConfigApplier: a new configuration taken at runtime, from the API (ApplyConfig) or
// from the file on SIGHUP, one at a time. The text is validated whole first; a change to
// a setting that only a restart can take is refused, naming the settings, and changes
// nothing; the rest goes to the detection thread between two of its rounds (no packet
// is lost: the workers never stop), is written back to the file it came from, and the
// change is logged with who made it, what changed and the new version.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
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

// Hands the workers' live settings (config_diff.h, applies_to_workers) over: `from_file`
// is the proposed text parsed, `changed` its changed settings. "" once the workers have
// them, else why nothing was handed over.
using WorkerSettingsSwitch =
    std::function<std::string(const SynwatchConfig& from_file, const std::vector<std::string>& changed)>;

class ConfigApplier {
 public:
  // `detection` null: detection is off (detector settings are stored, nothing to tell).
  // `workers` null: no workers to tell (tests of the detection side alone).
  // `signatures`: the rules the daemon started with, rule files read (see apply()).
  ConfigApplier(ConfigStore& store, detect::EngineRequests* detection, WorkerSettingsSwitch workers = nullptr,
                signature::SignatureConfig signatures = {})
      : store_(store), detection_(detection), workers_(std::move(workers)), signatures_(std::move(signatures)) {}

  ApplyResult apply(const ApplyRequest& request);

 private:
  ApplyResult refuse(ApplyResult::Code code, std::string message, ApplyResult r);
  ConfigStore& store_;
  detect::EngineRequests* detection_;
  WorkerSettingsSwitch workers_;
  // The signature rules in force. Rule files are read at each apply: a file edited under
  // an unchanged text is a change all the same (SIGHUP after editing a rule pack).
  signature::SignatureConfig signatures_;
  std::mutex applying_;  // one change at a time
};

}  // namespace synwatch::config
