// Decoder: one core's decoding state and the entry point for every export packet.
//
// Pure with respect to the outside world: bytes + exporter context in, records out
// through the sink, counters updated. No I/O, no logging, no allocation per packet
// (every table is sized at construction from DecoderConfig).
#pragma once

#include <cstddef>
#include <cstdint>

#include "dataplane/decode/decoder_config.h"
#include "dataplane/decode/exporter_table.h"
#include "dataplane/decode/flow_record.h"
#include "dataplane/decode/interface_table.h"
#include "dataplane/decode/templated_decoder.h"

namespace synwatch::decode {

class Decoder {
 public:
  explicit Decoder(DecoderConfig config);
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;

  // Decodes one UDP payload; the protocol is recognised from its first bytes.
  void decode(const ExportContext& ctx, const uint8_t* data, size_t size, RecordSink& sink);

  DecodeCounters total_counters() const { return exporters_.total_counters(); }
  const ExporterTable& exporters() const { return exporters_; }
  void use_sampling_overrides(const std::vector<SamplingOverride>& overrides) {
    exporters_.use_sampling_overrides(overrides);
  }
  // What tells the roles of interfaces named in options data (null: none); the caller
  // keeps it alive while in use.
  void use_interface_classifier(InterfaceClassifier* classifier) {
    interfaces_.use_classifier(classifier);
  }
  const InterfaceTable& interfaces() const { return interfaces_; }
  InterfaceTable& interfaces() { return interfaces_; }
  const TemplateCache& templates() const { return templated_.templates(); }
  const PendingBuffer& pending() const { return templated_.pending(); }

 private:
  DecoderConfig config_;
  ExporterTable exporters_;
  InterfaceTable interfaces_;
  TemplatedDecoder templated_;
  int64_t newest_export_ms_ = 0;  // newest export time accepted from any exporter
};

}  // namespace synwatch::decode
