#include "dataplane/signature/signature_set.h"

#include <hs/hs.h>

#include "dataplane/signature/label_registry.h"

namespace synwatch::signature {
namespace {

unsigned flags_of(const SignatureRule& r) {
  // One report per rule per scan is all a label needs, and lets Hyperscan stop early.
  unsigned f = HS_FLAG_SINGLEMATCH;
  if (r.caseless) f |= HS_FLAG_CASELESS;
  if (r.dotall) f |= HS_FLAG_DOTALL;
  if (r.multiline) f |= HS_FLAG_MULTILINE;
  return f;
}

}  // namespace

std::shared_ptr<const SignatureSet> SignatureSet::compile(const SignatureConfig& config,
                                                          uint32_t workers, std::string& error,
                                                          bool register_labels) {
  if (hs_valid_platform() != HS_SUCCESS) {
    error = "this CPU lacks the instructions Hyperscan needs (SSSE3)";
    return nullptr;
  }
  std::shared_ptr<SignatureSet> set(new SignatureSet());
  set->scan_bytes_ = config.scan_bytes;
  set->workers_ = workers;
  for (const SignatureRule& r : config.rules) {
    CompiledRule c{r.id, r.label, 0, r.target};
    parse_interface_role(r.label, c.role);  // meaningful for interface targets only
    set->rules_.push_back(std::move(c));
  }

  for (size_t t = 0; t < decode::kScanTargetCount; ++t) {
    std::vector<const char*> expressions;
    std::vector<unsigned> flags, ids;
    for (size_t i = 0; i < config.rules.size(); ++i) {
      if (static_cast<size_t>(config.rules[i].target) != t) continue;
      expressions.push_back(config.rules[i].expression.c_str());
      flags.push_back(flags_of(config.rules[i]));
      ids.push_back(static_cast<unsigned>(i));
    }
    if (expressions.empty()) continue;
    hs_compile_error_t* compile_error = nullptr;
    if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                         static_cast<unsigned>(expressions.size()), HS_MODE_BLOCK, nullptr,
                         &set->databases_[t], &compile_error) != HS_SUCCESS) {
      const int at = compile_error != nullptr ? compile_error->expression : -1;
      std::string why = compile_error != nullptr ? compile_error->message : "compilation failed";
      // Hyperscan's advice names its own flags, which a rule cannot set.
      if (const size_t advice = why.find("; use HS_FLAG_"); advice != std::string::npos)
        why.erase(advice);
      if (at >= 0 && static_cast<size_t>(at) < ids.size()) {
        const size_t rule = ids[static_cast<size_t>(at)];
        error = config.rules[rule].named(rule) + ".expression: " + why;
      } else {
        error = "rules: " + why;
      }
      hs_free_compile_error(compile_error);
      return nullptr;
    }
  }

  // One scratch sized for every database, cloned for each further worker.
  hs_scratch_t* first = nullptr;
  for (hs_database_t* db : set->databases_) {
    if (db != nullptr && hs_alloc_scratch(db, &first) != HS_SUCCESS) {
      hs_free_scratch(first);
      error = "rules: cannot allocate Hyperscan scratch space";
      return nullptr;
    }
  }
  if (first != nullptr) {
    set->scratch_.push_back(first);
    while (set->scratch_.size() < workers) {
      hs_scratch_t* clone = nullptr;
      if (hs_clone_scratch(first, &clone) != HS_SUCCESS) {
        error = "rules: cannot allocate Hyperscan scratch space";
        return nullptr;
      }
      set->scratch_.push_back(clone);
    }
  }
  // Last, once nothing can fail for want of memory or a bad expression: a refused set
  // leaves the registry as it was.
  if (register_labels) {
    std::vector<std::pair<uint16_t, uint32_t>> ranks;
    for (size_t i = 0; i < set->rules_.size(); ++i) {
      CompiledRule& c = set->rules_[i];
      if ((c.label_id = LabelRegistry::instance().intern(c.label)) == 0) {
        error = config.rules[i].named(i) + ".label: more than " + std::to_string(LabelRegistry::kCapacity) +
                " distinct labels since the daemon started (a restart frees them)";
        return nullptr;
      }
      ranks.emplace_back(c.label_id, static_cast<uint32_t>(i));
    }
    LabelRegistry::instance().set_ranks(ranks);
  }
  set->lines_per_worker_ = (set->rules_.size() + 7) / 8;
  set->matches_ = std::make_unique<CounterLine[]>(set->lines_per_worker_ * workers);
  return set;
}

std::shared_ptr<const SignatureSet> SignatureSet::compile_for_use(const SignatureConfig& config,
                                                                  uint32_t workers, std::string& error) {
  error.clear();
  return config.enabled() ? compile(config, workers, error, true) : nullptr;
}

SignatureSet::~SignatureSet() {
  for (hs_scratch_t* s : scratch_)
    hs_free_scratch(s);
  for (hs_database_t* db : databases_)
    hs_free_database(db);
}

uint64_t SignatureSet::matches(uint32_t rule) const {
  uint64_t sum = 0;
  for (uint32_t w = 0; w < workers_; ++w)
    sum += counter(w, rule).load(std::memory_order_relaxed);
  return sum;
}

}  // namespace synwatch::signature
