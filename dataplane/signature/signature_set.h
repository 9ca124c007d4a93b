// SignatureSet: a rule set compiled into Hyperscan block-mode databases (one per scan
// target), with the scratch space and match counters of every worker that scans.
//
// Compiled on the control side, off the packet path, then immutable: the workers take
// it between two bursts (pipeline/live_settings.h) and the last one to let go frees it.
// Each worker scans with its own scratch and counts in its own cache lines.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/decode/scan_span.h"
#include "dataplane/signature/signature_config.h"

struct hs_database;
struct hs_scratch;

namespace synwatch::signature {

struct CompiledRule {
  std::string id;
  std::string label;
  uint16_t label_id = 0;  // LabelRegistry number; 0 in a set compiled only to validate
  decode::ScanTarget target = decode::ScanTarget::kPayload;
  decode::InterfaceRole role = decode::InterfaceRole::kUnknown;  // rules on interfaces
};

class SignatureSet {
 public:
  // Compiles `config` for `workers` scanning threads. Null, with `error` naming the
  // rule and Hyperscan's reason, when a rule does not compile. `register_labels`: give
  // the labels their numbers and ranks (LabelRegistry), for a set about to be used; off
  // when the set only validates a text.
  static std::shared_ptr<const SignatureSet> compile(const SignatureConfig& config,
                                                     uint32_t workers, std::string& error,
                                                     bool register_labels = false);
  // The set a daemon or replay runs with: null, `error` empty, when the configuration
  // has no rules; else compile() with the labels registered.
  static std::shared_ptr<const SignatureSet> compile_for_use(const SignatureConfig& config,
                                                             uint32_t workers, std::string& error);
  ~SignatureSet();
  SignatureSet(const SignatureSet&) = delete;
  SignatureSet& operator=(const SignatureSet&) = delete;

  const std::vector<CompiledRule>& rules() const { return rules_; }
  uint32_t scan_bytes() const { return scan_bytes_; }
  uint32_t workers() const { return workers_; }
  // The database of the rules for `target`; null when no rule looks there.
  hs_database* database(decode::ScanTarget target) const {
    return databases_[static_cast<size_t>(target)];
  }
  // `worker`'s scratch space: that worker's thread only.
  hs_scratch* scratch(uint32_t worker) const { return scratch_[worker]; }

  // `worker` counts a match of rule `rule` (its thread only: a plain add, no lock).
  void count_match(uint32_t worker, uint32_t rule) const {
    std::atomic<uint64_t>& c = counter(worker, rule);
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  // Matches of rule `rule` summed over the workers (any thread).
  uint64_t matches(uint32_t rule) const;

 private:
  SignatureSet() = default;
  struct alignas(64) CounterLine {
    std::atomic<uint64_t> counts[8];
  };
  std::atomic<uint64_t>& counter(uint32_t worker, uint32_t rule) const {
    return matches_[size_t{worker} * lines_per_worker_ + rule / 8].counts[rule % 8];
  }

  std::vector<CompiledRule> rules_;
  uint32_t scan_bytes_ = 0;
  uint32_t workers_ = 0;
  std::array<hs_database*, decode::kScanTargetCount> databases_{};
  std::vector<hs_scratch*> scratch_;
  size_t lines_per_worker_ = 0;
  std::unique_ptr<CounterLine[]> matches_;
};

}  // namespace synwatch::signature
