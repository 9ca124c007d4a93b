#include "dataplane/detect/snapshot_keeper.h"

#include "dataplane/detect/model_snapshot.h"

namespace synwatch::detect {

SnapshotKeeper::SnapshotKeeper(std::string path, uint32_t every_s, std::FILE* log, const char* program)
    : path_(std::move(path)), every_(every_s), log_(log), program_(program) {}

void SnapshotKeeper::restore(DetectEngine& engine) {
  std::string file;
  bool missing = false;
  if (std::string error = read_small_file(path_, engine.snapshot_limit(), file, missing); !error.empty()) {
    if (missing)
      std::fprintf(log_, "%s: detectors.snapshot: no %s yet; baselines start empty\n", program_, path_.c_str());
    else
      std::fprintf(log_, "%s: detectors.snapshot: %s; baselines start empty\n", program_, error.c_str());
    return;
  }
  std::string restored;
  if (std::string error = engine.restore(file, restored); !error.empty()) {
    std::fprintf(log_, "%s: detectors.snapshot: %s refused: %s; baselines start empty\n", program_, path_.c_str(),
                 error.c_str());
    return;
  }
  std::fprintf(log_, "%s: detectors.snapshot: restored %s from %s\n", program_, restored.c_str(), path_.c_str());
}

void SnapshotKeeper::tick(const DetectEngine& engine) {
  if (std::chrono::steady_clock::now() - last_ >= every_) save(engine);
}

bool SnapshotKeeper::save(const DetectEngine& engine) {
  last_ = std::chrono::steady_clock::now();
  if (std::string error = write_file_atomically(path_, engine.snapshot()); !error.empty()) {
    if (!failing_) std::fprintf(log_, "%s: detectors.snapshot: %s\n", program_, error.c_str());
    failing_ = true;
    return false;
  }
  if (failing_) std::fprintf(log_, "%s: detectors.snapshot: written to %s again\n", program_, path_.c_str());
  failing_ = false;
  return true;
}

}  // namespace synwatch::detect
