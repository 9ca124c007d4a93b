#include "dataplane/decode/decoder.h"

#include "dataplane/decode/netflow_v5.h"
#include "dataplane/decode/sflow.h"

namespace synwatch::decode {

Decoder::Decoder(DecoderConfig config)
    : config_(std::move(config)),
      exporters_(config_),
      interfaces_(config_.interface_capacity),
      templated_(config_, exporters_) {}

void Decoder::decode(const ExportContext& ctx, const uint8_t* data, size_t size,
                     RecordSink& sink) {
  ExporterState& exporter = exporters_.get(ctx.exporter, ctx.receive_ms);
  ++exporter.packets;
  PacketScope scope{ctx, exporter, sink, interfaces_, config_.max_records_per_packet, newest_export_ms_,
                    int64_t{config_.clock_jump_s} * 1000};
  wire::ByteCursor c(data, size);
  // sFlow starts with a 32-bit version 5; NetFlow and IPFIX with a 16-bit version.
  if (size >= 4 && wire::ByteCursor::load_be32(data) == 5) return decode_sflow(scope, c);
  const uint16_t version = size >= 2 ? wire::ByteCursor::load_be16(data) : 0;
  switch (version) {
    case 5: return decode_netflow_v5(scope, c);
    case 9: return templated_.decode_v9(scope, c);
    case 10: return templated_.decode_ipfix(scope, c);
    default: scope.count(DecodeCounter::unknown_export_version);
  }
}

}  // namespace synwatch::decode
