// LabelRegistry: the names of signature labels, as small numbers records and sessions
// can carry (FlowRecord::label, Session::label).
//
// One per process, and append-only: a session labelled under one rule set is often
// written after a reload has replaced that set, so a label's number must keep its name
// for the life of the process. Names are added on the control side while a rule set
// compiles (under a lock); any thread reads a name without one, because a slot, once
// published, never changes. Bounded: past kCapacity distinct names a rule set is refused.
//
// Each label also has a rank: the place of the first rule that gives it in the rule set
// last compiled for use. A session seen with two labels keeps the better-ranked one, so
// the rule order decides (a scanning tool's client banner over the protocol's server
// banner) whichever record came first.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace synwatch::signature {

class LabelRegistry {
 public:
  // Numbers 1..4095: twelve bits (Session::label).
  static constexpr uint16_t kCapacity = 4095;

  static LabelRegistry& instance();
  LabelRegistry() {
    for (auto& r : ranks_)
      r.store(kUnranked, std::memory_order_relaxed);
  }

  // The number of `name`, added if new; 0 when the registry is full.
  uint16_t intern(std::string_view name);
  // The name of `label`; "" for 0 or a number never handed out.
  std::string_view name(uint16_t label) const;
  // How many names are in use.
  uint16_t size() const { return count_.load(std::memory_order_acquire); }

  // Lower is stronger; kUnranked for a label no rule of the current set gives.
  static constexpr uint32_t kUnranked = 0xffffffff;
  uint32_t rank(uint16_t label) const {
    return label <= kCapacity ? ranks_[label].load(std::memory_order_relaxed) : kUnranked;
  }
  // The ranks of a new rule set: `first_rule_of[label]` for the labels it gives.
  void set_ranks(const std::vector<std::pair<uint16_t, uint32_t>>& first_rule_of);
  // True when `candidate` should replace `current` as a session's label.
  bool better(uint16_t candidate, uint16_t current) const {
    return candidate != 0 && (current == 0 || rank(candidate) < rank(current));
  }

 private:
  std::mutex adding_;
  std::deque<std::string> names_;  // stable addresses; the slots point into it
  std::array<std::atomic<const std::string*>, kCapacity + 1> slots_{};
  std::atomic<uint16_t> count_{0};
  std::array<std::atomic<uint32_t>, kCapacity + 1> ranks_;
};

}  // namespace synwatch::signature
