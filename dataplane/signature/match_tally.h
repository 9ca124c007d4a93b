// MatchTally: how often each rule matched since the daemon started, across rule sets.
//
// The workers count in the set they scan with (SignatureSet::count_match); a reload
// replaces the set, so the tally holds every set still in use and reads its counters
// live, and once no worker uses a set any more folds its final counts in by rule (id and
// label): a rule kept across a reload keeps counting up, as a Prometheus counter must.
// A rule no set in use has any more is forgotten, so the tally is as large as the rules
// in force.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "dataplane/signature/signature_set.h"

namespace synwatch::signature {

class MatchTally {
 public:
  struct Rule {
    std::string id;
    std::string label;
    uint64_t matches = 0;
  };

  // A set put into use (null, or one already held: nothing to do).
  void hold(const std::shared_ptr<const SignatureSet>& set);
  // Folds in and lets go of every held set `in_use` says no one scans with any more.
  void release_unused(const std::function<bool(const SignatureSet*)>& in_use);

  // The rules in use and their matches since they came into use, by id then label (any
  // thread).
  std::vector<Rule> rules() const;

 private:
  mutable std::mutex mutex_;
  std::vector<std::shared_ptr<const SignatureSet>> held_;
  std::map<std::pair<std::string, std::string>, uint64_t> folded_;
};

}  // namespace synwatch::signature
