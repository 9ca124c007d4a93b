#include "dataplane/signature/match_tally.h"

#include <algorithm>

namespace synwatch::signature {

void MatchTally::hold(const std::shared_ptr<const SignatureSet>& set) {
  if (!set) return;
  std::lock_guard lock(mutex_);
  if (std::find(held_.begin(), held_.end(), set) == held_.end()) held_.push_back(set);
}

void MatchTally::release_unused(const std::function<bool(const SignatureSet*)>& in_use) {
  std::lock_guard lock(mutex_);
  std::erase_if(held_, [&](const std::shared_ptr<const SignatureSet>& set) {
    if (in_use(set.get())) return false;
    for (uint32_t i = 0; i < set->rules().size(); ++i)
      folded_[{set->rules()[i].id, set->rules()[i].label}] += set->matches(i);
    return true;
  });
  // A rule no set in use has any more is forgotten: the tally stays as large as the
  // rules in force (its series ends; were it added again, it would start from 0).
  std::erase_if(folded_, [&](const auto& entry) {
    return std::none_of(held_.begin(), held_.end(), [&](const std::shared_ptr<const SignatureSet>& set) {
      return std::any_of(set->rules().begin(), set->rules().end(), [&](const CompiledRule& r) {
        return r.id == entry.first.first && r.label == entry.first.second;
      });
    });
  });
}

std::vector<MatchTally::Rule> MatchTally::rules() const {
  std::lock_guard lock(mutex_);
  std::map<std::pair<std::string, std::string>, uint64_t> sum = folded_;
  for (const auto& set : held_)
    for (uint32_t i = 0; i < set->rules().size(); ++i)
      sum[{set->rules()[i].id, set->rules()[i].label}] += set->matches(i);
  std::vector<Rule> out;
  for (const auto& [key, n] : sum) out.push_back({key.first, key.second, n});
  return out;
}

}  // namespace synwatch::signature
