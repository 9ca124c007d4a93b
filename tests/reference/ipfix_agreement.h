// IpfixAgreement: feeds the same IPFIX messages to the dataplane's Decoder and to
// ReferenceIpfix, and says where they first disagree. Used by the differential fuzzer
// (tests/fuzz/ipfix_differential_fuzz.cc) and by a test over every bundled capture.
//
// The decoder is configured so that its bounds cannot bind before the reference's
// (ReferenceLimits), with no holding of data sets that arrive before their template and
// no export clock guard: both then define the same function from messages to records.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "dataplane/decode/decoder.h"
#include "tests/reference/ipfix_reference.h"

namespace synwatch::reference {

class IpfixAgreement : private decode::RecordSink {
 public:
  explicit IpfixAgreement(ReferenceLimits limits = {});

  // Decodes one message with both decoders. Empty when they agree (or the input went
  // beyond what the reference models); otherwise what differs.
  std::string feed(const uint8_t* data, size_t size, const wire::IpAddress& exporter,
                   int64_t receive_ms);

  // True once an input went past the reference's model: later messages are not compared.
  bool beyond_scope() const { return !beyond_.empty(); }
  const std::string& beyond_reason() const { return beyond_; }
  uint64_t records_compared() const { return compared_; }

 private:
  void on_record(const decode::FlowRecord& r) override { decoded_.push_back(r); }

  ReferenceLimits limits_;
  decode::Decoder decoder_;
  std::map<wire::IpAddress, ReferenceIpfix> references_;  // template state is per exporter
  std::vector<decode::FlowRecord> decoded_;
  std::vector<decode::FlowRecord> expected_;
  std::string beyond_;
  uint64_t compared_ = 0;
};

// The fields in which two records differ, "name: a | b" each; empty when equal.
std::string record_differences(const decode::FlowRecord& decoded,
                               const decode::FlowRecord& expected);

}  // namespace synwatch::reference
