// ConfigStore: the configuration the daemon runs with, as text, for the API to show and
// to check proposed changes against. Thread-safe; the daemon writes it, API threads read.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "control/config/synwatch_config.h"

namespace synwatch::config {

class ConfigStore {
 public:
  // `yaml`: the file's text ("" when running on defaults and flags); `source` its path.
  ConfigStore(std::string yaml, std::string source) : yaml_(std::move(yaml)), source_(std::move(source)) {}

  struct Snapshot {
    std::string yaml, source;
    uint64_t version = 0;
    std::string etag;  // 16 hex digits of the text's FNV-1a hash
  };
  Snapshot get() const;

  // "" when `yaml` is a valid configuration, else "field: reason". Changes nothing.
  static std::string validate(const std::string& yaml);

  // The daemon now runs with `yaml`: the next version. Returns it.
  uint64_t commit(std::string yaml);

 private:
  mutable std::mutex mutex_;
  std::string yaml_, source_;
  uint64_t version_ = 1;
};

std::string etag_of(const std::string& text);

}  // namespace synwatch::config
