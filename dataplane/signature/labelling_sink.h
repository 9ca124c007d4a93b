// LabellingSink: labels records with spans as they pass, one at a time, on their way to
// the next sink: the offline replay's way (the daemon's workers stage a burst's records
// first, scan_stage.h). Both give a record the same label.
#pragma once

#include "dataplane/decode/flow_record.h"
#include "dataplane/signature/signature_scanner.h"

namespace synwatch::signature {

class LabellingSink : public decode::RecordSink {
 public:
  LabellingSink(SignatureScanner& scanner, decode::RecordSink& next)
      : scanner_(scanner), next_(next) {}

  void on_record(const decode::FlowRecord& r) override { next_.on_record(r); }
  void on_record_with_spans(const decode::FlowRecord& r,
                            const decode::RecordSpans& spans) override {
    decode::FlowRecord labelled = r;
    labelled.label = scanner_.scan(spans);
    next_.on_record(labelled);
  }

 private:
  SignatureScanner& scanner_;
  decode::RecordSink& next_;
};

}  // namespace synwatch::signature
