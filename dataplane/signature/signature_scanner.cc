#include "dataplane/signature/signature_scanner.h"

#include <hs/hs.h>

#include <algorithm>
#include <limits>
#include <utility>

namespace synwatch::signature {
namespace {

struct MatchState {
  const SignatureSet* set;
  uint32_t worker;
  unsigned first;  // lowest rule index that matched
};

int on_match(unsigned id, unsigned long long, unsigned long long, unsigned, void* context) {
  auto* m = static_cast<MatchState*>(context);
  m->set->count_match(m->worker, id);
  m->first = std::min(m->first, id);
  return 0;  // go on: every rule that matches is counted
}

}  // namespace

uint16_t SignatureScanner::scan(const decode::RecordSpans& spans) {
  if (set_ == nullptr) return 0;
  const unsigned first = first_match(spans);
  return first < set_->rules().size() ? set_->rules()[first].label_id : 0;
}

decode::InterfaceRole SignatureScanner::classify(std::string_view name,
                                                 std::string_view description) {
  if (!classifies_interfaces()) return decode::InterfaceRole::kUnknown;
  decode::RecordSpans spans;  // an empty text adds no span
  for (const auto& [target, text] : {std::pair{decode::ScanTarget::kInterfaceName, name},
                                     std::pair{decode::ScanTarget::kInterfaceDescription, description}})
    spans.add(target, reinterpret_cast<const uint8_t*>(text.data()), static_cast<uint32_t>(text.size()));
  const unsigned first = first_match(spans);
  return first < set_->rules().size() ? set_->rules()[first].role
                                       : decode::InterfaceRole::kInternal;
}

unsigned SignatureScanner::first_match(const decode::RecordSpans& spans) {
  MatchState m{set_, worker_, std::numeric_limits<unsigned>::max()};
  for (uint8_t i = 0; i < spans.count; ++i) {
    const decode::ScanSpan& s = spans.spans[i];
    hs_database_t* db = set_->database(s.target);
    if (db == nullptr) continue;
    const auto size = static_cast<unsigned>(std::min(s.size, set_->scan_bytes()));
    // Fails only on a bad database or scratch, which compile() ruled out.
    hs_scan(db, reinterpret_cast<const char*>(s.data), size, 0, set_->scratch(worker_), on_match,
            &m);
  }
  return m.first;
}

}  // namespace synwatch::signature
