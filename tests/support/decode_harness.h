// DecodeHarness: a Decoder plus a sink that keeps what it decodes, for tests that feed
// built packets and check records and counters.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dataplane/decode/decoder.h"

namespace synwatch::testing {

class DecodeHarness : public decode::RecordSink {
 public:
  explicit DecodeHarness(decode::DecoderConfig config = {}) : decoder(std::move(config)) {}

  // Decodes one payload as if it came from `exporter` at `receive_ms`; returns the
  // records this packet produced.
  std::vector<decode::FlowRecord> feed(const std::vector<uint8_t>& payload,
                                       std::string_view exporter = "192.0.2.10",
                                       int64_t receive_ms = 1700000000000) {
    const size_t before = records.size();
    decode::ExportContext ctx;
    wire::IpAddress::parse(exporter, ctx.exporter);
    ctx.receive_ms = receive_ms;
    decoder.decode(ctx, payload.data(), payload.size(), *this);
    return {records.begin() + static_cast<long>(before), records.end()};
  }

  uint64_t count(decode::DecodeCounter c) const { return decoder.total_counters().get(c); }

  void on_record(const decode::FlowRecord& r) override {
    records.push_back(r);
    spans.emplace_back();
  }
  void on_record_with_spans(const decode::FlowRecord& r, const decode::RecordSpans& s) override {
    records.push_back(r);
    auto& copy = spans.emplace_back();
    for (uint8_t i = 0; i < s.count; ++i)
      copy.push_back({s.spans[i].target, std::string(reinterpret_cast<const char*>(s.spans[i].data), s.spans[i].size)});
  }

  struct Span {
    decode::ScanTarget target;
    std::string bytes;
  };
  decode::Decoder decoder;
  std::vector<decode::FlowRecord> records;
  std::vector<std::vector<Span>> spans;  // of each record, copied
};

}  // namespace synwatch::testing
