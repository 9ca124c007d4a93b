#include "dataplane/signature/label_registry.h"

namespace synwatch::signature {

LabelRegistry& LabelRegistry::instance() {
  static LabelRegistry registry;
  return registry;
}

uint16_t LabelRegistry::intern(std::string_view name) {
  std::lock_guard lock(adding_);
  const uint16_t n = count_.load(std::memory_order_relaxed);
  for (uint16_t i = 1; i <= n; ++i)
    if (*slots_[i].load(std::memory_order_relaxed) == name) return i;
  if (n == kCapacity) return 0;
  const std::string& stored = names_.emplace_back(name);
  slots_[n + 1].store(&stored, std::memory_order_release);
  count_.store(static_cast<uint16_t>(n + 1), std::memory_order_release);
  return static_cast<uint16_t>(n + 1);
}

void LabelRegistry::set_ranks(const std::vector<std::pair<uint16_t, uint32_t>>& first_rule_of) {
  std::lock_guard lock(adding_);
  for (auto& r : ranks_)
    r.store(kUnranked, std::memory_order_relaxed);
  for (const auto& [label, rule] : first_rule_of)
    if (label <= kCapacity && rule < ranks_[label].load(std::memory_order_relaxed))
      ranks_[label].store(rule, std::memory_order_relaxed);
}

std::string_view LabelRegistry::name(uint16_t label) const {
  if (label == 0 || label > kCapacity) return {};
  const std::string* s = slots_[label].load(std::memory_order_acquire);
  return s == nullptr ? std::string_view{} : std::string_view(*s);
}

}  // namespace synwatch::signature
