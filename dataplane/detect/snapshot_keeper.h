// SnapshotKeeper: when the detectors' baselines go to their snapshot file and come back
// (model_snapshot.h). The daemon restores on start, saves every snapshot_every_s of
// wall time from the detection thread (the engine's one writer, so no lock), and once
// more at shutdown. A failed save is reported once until a save succeeds again; the
// detectors run on regardless.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "dataplane/detect/detect_engine.h"

namespace synwatch::detect {

class SnapshotKeeper {
 public:
  // `log` takes one line per event, prefixed with `program`.
  SnapshotKeeper(std::string path, uint32_t every_s, std::FILE* log, const char* program);

  // Restores `engine` from the file if there is a good one; logs what happened.
  void restore(DetectEngine& engine);
  // Saves when every_s has passed since the last save.
  void tick(const DetectEngine& engine);
  // Saves now; false (and logged) on failure.
  bool save(const DetectEngine& engine);

 private:
  std::string path_;
  std::chrono::seconds every_;
  std::FILE* log_;
  const char* program_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
  bool failing_ = false;  // the last save failed: said once, until one succeeds
};

}  // namespace synwatch::detect
