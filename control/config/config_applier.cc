#include "control/config/config_applier.h"

#include <algorithm>
#include <cstdio>
#include <fstream>

#include "control/config/change_log.h"
#include "control/config/config_diff.h"
#include "dataplane/detect/detect_engine.h"

namespace synwatch::config {

namespace {

constexpr std::chrono::milliseconds kDetectionTimeout{2000};

std::string joined(const std::vector<std::string>& items, size_t most = 8) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < most; ++i) out += (i == 0 ? "" : ", ") + items[i];
  if (items.size() > most) out += " and " + std::to_string(items.size() - most) + " more";
  return out;
}

// Writes `text` next to `path` (the same directory, so the rename is atomic); "" or why.
std::string write_beside(const std::string& path, const std::string& text, std::string& temporary) {
  temporary = path + ".synwatch-new";
  std::ofstream out(temporary, std::ios::trunc);
  out << text;
  out.close();
  if (!out) return "synwatchd cannot write '" + temporary + "'";
  return {};
}

}  // namespace

ApplyResult ConfigApplier::refuse(ApplyResult::Code code, std::string message, ApplyResult r) {
  r.code = code;
  r.message = std::move(message);
  return r;
}

ApplyResult ConfigApplier::apply(const ApplyRequest& request) {
  std::lock_guard lock(applying_);
  const ConfigStore::Snapshot current = store_.get();
  ApplyResult r;
  r.version = current.version;
  r.etag = current.etag;
  if (request.expected_version != 0 && request.expected_version != current.version)
    return refuse(ApplyResult::Code::kConflict,
                  "expected_version: the configuration is at version " + std::to_string(current.version) +
                      ", not " + std::to_string(request.expected_version) + "; get it again and reapply",
                  r);
  if (!request.expected_etag.empty() && request.expected_etag != current.etag)
    return refuse(ApplyResult::Code::kConflict,
                  "expected_etag: the configuration's etag is " + current.etag + ", not " + request.expected_etag,
                  r);
  SynwatchConfig next;
  if (std::string problem = parse_config(request.yaml, next); !problem.empty())
    return refuse(ApplyResult::Code::kInvalid, problem, r);

  r.changed = changed_settings(current.yaml, request.yaml);
  const bool signatures_named = std::any_of(r.changed.begin(), r.changed.end(), [](const std::string& p) {
    return p.rfind("signatures", 0) == 0;
  });
  if (!signatures_named && !(next.signatures == signatures_)) r.changed.push_back("signatures.rule_files (contents)");
  for (const std::string& path : r.changed)
    if (!applies_live(path)) r.restart_required.push_back(path);
  if (!r.restart_required.empty())
    return refuse(ApplyResult::Code::kRestartRequired,
                  joined(r.restart_required) +
                      ": only a restart changes " + (r.restart_required.size() == 1 ? "this" : "these") +
                      " (edit the file and restart synwatchd); nothing was applied",
                  r);
  if (r.changed.empty() || request.dry_run) return r;

  std::string temporary;
  const bool write_back = request.write_back && !current.source.empty();
  if (write_back)
    if (std::string problem = write_beside(current.source, request.yaml, temporary); !problem.empty())
      return refuse(ApplyResult::Code::kUnavailable, problem + "; nothing was applied", r);
  // The workers first: their switch either reaches every worker or none.
  const bool workers_change =
      workers_ && std::any_of(r.changed.begin(), r.changed.end(), [](const std::string& p) { return applies_to_workers(p); });
  if (workers_change)
    if (std::string problem = workers_(next, r.changed); !problem.empty()) {
      if (write_back) std::remove(temporary.c_str());
      return refuse(ApplyResult::Code::kUnavailable, problem, r);
    }
  if (detection_ != nullptr) {
    const auto outcome = detection_->run(
        [detect = next.detect](detect::DetectEngine& engine) { engine.reconfigure(detect); }, kDetectionTimeout);
    if (outcome != detect::EngineRequests::Outcome::kDone) {
      if (write_back) std::remove(temporary.c_str());
      // The workers go back to what the running file says: all or nothing.
      if (workers_change) {
        SynwatchConfig running;
        if (parse_config(current.yaml, running).empty()) workers_(running, r.changed);
      }
      return refuse(ApplyResult::Code::kUnavailable,
                    outcome == detect::EngineRequests::Outcome::kStopped
                        ? "detection has stopped: synwatchd is stopping; nothing was applied"
                        : "synwatchd's detection thread did not take the change within 2 s; nothing was applied",
                    r);
    }
  }
  // The running daemon has the change: the file follows (a rename, atomic), then the store.
  if (write_back && std::rename(temporary.c_str(), current.source.c_str()) != 0)
    std::fprintf(stderr, "synwatchd: warning: configuration version %llu is running but '%s' could not be replaced\n",
                 static_cast<unsigned long long>(current.version + 1), current.source.c_str());
  signatures_ = next.signatures;
  r.version = store_.commit(request.yaml);
  r.etag = etag_of(request.yaml);
  r.applied = true;
  log_change(request.who, "configuration version " + std::to_string(r.version) + " (etag " + r.etag +
                              "): " + joined(r.changed));
  return r;
}

}  // namespace synwatch::config
