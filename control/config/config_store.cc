#include "control/config/config_store.h"

#include <cinttypes>
#include <cstdio>

namespace synwatch::config {

std::string etag_of(const std::string& text) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  char out[17];
  std::snprintf(out, sizeof out, "%016" PRIx64, h);
  return out;
}

ConfigStore::Snapshot ConfigStore::get() const {
  std::lock_guard lock(mutex_);
  return {yaml_, source_, version_, etag_of(yaml_)};
}

uint64_t ConfigStore::commit(std::string yaml) {
  std::lock_guard lock(mutex_);
  yaml_ = std::move(yaml);
  return ++version_;
}

std::string ConfigStore::validate(const std::string& yaml) {
  SynwatchConfig scratch;
  return parse_config(yaml, scratch);
}

}  // namespace synwatch::config
