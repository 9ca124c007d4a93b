// SignatureScanner: one worker's view of the rule set in force: scans a record's
// spans and says which label the record gets.
#pragma once

#include <cstdint>

#include "dataplane/decode/scan_span.h"
#include "dataplane/signature/signature_set.h"

namespace synwatch::signature {

class SignatureScanner {
 public:
  // From now on, scan with `set` (null: scanning is off) as worker `worker`, whose
  // scratch and counters it uses. The caller keeps `set` alive while it is in use.
  void use(const SignatureSet* set, uint32_t worker) {
    set_ = set != nullptr && !set->rules().empty() ? set : nullptr;
    worker_ = worker;
  }
  bool active() const { return set_ != nullptr; }
  uint32_t scan_bytes() const { return set_ != nullptr ? set_->scan_bytes() : 0; }

  // The label of the first rule (in configuration order) that matches one of `spans`,
  // each cut to scan_bytes(); 0 when none does or scanning is off. Counts every rule
  // that matched.
  uint16_t scan(const decode::RecordSpans& spans);

 private:
  const SignatureSet* set_ = nullptr;
  uint32_t worker_ = 0;
};

}  // namespace synwatch::signature
