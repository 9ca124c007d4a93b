// SignatureScanner: one worker's view of the rule set in force: scans a record's
// spans and says which label the record gets, and tells the role of an interface from
// its name and description (its decoder's classifier).
#pragma once

#include <cstdint>
#include <string_view>

#include "dataplane/decode/interface_role.h"
#include "dataplane/decode/scan_span.h"
#include "dataplane/signature/signature_set.h"

namespace synwatch::signature {

class SignatureScanner final : public decode::InterfaceClassifier {
 public:
  // From now on, scan with `set` (null: scanning is off) as worker `worker`, whose
  // scratch and counters it uses. The caller keeps `set` alive while it is in use.
  void use(const SignatureSet* set, uint32_t worker) {
    const SignatureSet* in_force = set != nullptr && !set->rules().empty() ? set : nullptr;
    if (in_force != set_) ++generation_;
    set_ = in_force;
    worker_ = worker;
  }
  bool active() const { return set_ != nullptr; }
  uint32_t scan_bytes() const { return set_ != nullptr ? set_->scan_bytes() : 0; }

  // The label of the first rule (in configuration order) that matches one of `spans`,
  // each cut to scan_bytes(); 0 when none does or scanning is off. Counts every rule
  // that matched.
  uint16_t scan(const decode::RecordSpans& spans);

  // decode::InterfaceClassifier: the role of the first interface rule that matches the
  // name or the description (counted as a match of that rule); internal when none does.
  bool classifies_interfaces() const override {
    if (set_ == nullptr) return false;
    return set_->database(decode::ScanTarget::kInterfaceName) != nullptr ||
           set_->database(decode::ScanTarget::kInterfaceDescription) != nullptr;
  }
  uint32_t generation() const override { return generation_; }
  decode::InterfaceRole classify(std::string_view name, std::string_view description) override;

 private:
  // The index of the first rule that matches one of `spans`; the rule count if none does.
  unsigned first_match(const decode::RecordSpans& spans);

  const SignatureSet* set_ = nullptr;
  uint32_t worker_ = 0;
  uint32_t generation_ = 1;  // 0 stands for "never told" in the interface table
};

}  // namespace synwatch::signature
