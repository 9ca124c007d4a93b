// ScanStage: a worker's records held from the first one of a burst that has bytes to
// scan until the burst ends, so that the burst's scans run back to back (the rule
// databases and scratch stay in cache) and then every held record leaves in the order
// it came: records of one session reach its table in the same order, labelled or not,
// whatever the burst size.
//
// The export packets are gone by the end of the burst (the input frees each once it
// is decoded), so the bytes to scan are copied, cut to the rule set's scan_bytes. All
// memory is taken at construction; when it is full the caller releases early.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

#include "dataplane/decode/flow_record.h"
#include "dataplane/signature/signature_scanner.h"

namespace synwatch::signature {

class ScanStage {
 public:
  static constexpr size_t kRecords = 256;
  // Room for the largest record's spans (RecordSpans::kMax of kMaxScanBytes) many times.
  static constexpr size_t kBytes = 64 * 1024;

  ScanStage() : records_(kRecords), spans_(kRecords), bytes_(kBytes) {}

  bool active() const { return count_ > 0; }

  // Holds `r` (and a copy of its spans' first `scan_bytes` bytes). False, holding
  // nothing, when there is no room: release, then add again (an empty stage always
  // has room).
  bool add(const decode::FlowRecord& r, const decode::RecordSpans* spans, uint32_t scan_bytes) {
    if (count_ == kRecords) return false;
    decode::RecordSpans copy;
    if (spans != nullptr) {
      size_t need = 0;
      for (uint8_t i = 0; i < spans->count; ++i)
        need += std::min(spans->spans[i].size, scan_bytes);
      if (need > kBytes - used_) return false;
      for (uint8_t i = 0; i < spans->count; ++i) {
        const decode::ScanSpan& s = spans->spans[i];
        const uint32_t n = std::min(s.size, scan_bytes);
        std::memcpy(bytes_.data() + used_, s.data, n);
        copy.add(s.target, bytes_.data() + used_, n);
        used_ += n;
      }
    }
    records_[count_] = r;
    spans_[count_] = copy;
    ++count_;
    return true;
  }

  // The way a worker takes its records, each in turn: to `route` at once, unless it has
  // spans to scan (and `scanner` is active) or an earlier record of the burst is held;
  // then it is held too, released early only when the stage is full.
  template <typename Route>
  void take(const decode::FlowRecord& r, const decode::RecordSpans* spans, SignatureScanner& scanner,
            Route&& route) {
    if (!active() && (spans == nullptr || !scanner.active())) {
      route(r);
      return;
    }
    if (add(r, spans, scanner.scan_bytes())) return;
    release(scanner, route);
    (void)add(r, spans, scanner.scan_bytes());  // an empty stage has room
  }
  // The burst ended: everything held is scanned and routed.
  template <typename Route>
  void end_burst(SignatureScanner& scanner, Route&& route) {
    if (active()) release(scanner, route);
  }

  // Labels every held record that has spans, then hands each to `route` in order.
  template <typename Route>
  void release(SignatureScanner& scanner, Route&& route) {
    for (size_t i = 0; i < count_; ++i)
      if (!spans_[i].empty()) records_[i].label = scanner.scan(spans_[i]);
    for (size_t i = 0; i < count_; ++i)
      route(records_[i]);
    count_ = 0;
    used_ = 0;
  }

 private:
  std::vector<decode::FlowRecord> records_;
  std::vector<decode::RecordSpans> spans_;
  std::vector<uint8_t> bytes_;
  size_t count_ = 0;
  size_t used_ = 0;
};

}  // namespace synwatch::signature
