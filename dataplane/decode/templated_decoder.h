// NetFlow v9 (RFC 3954) and IPFIX (RFC 7011): the two template-based protocols share
// one decoder. It owns the template cache and the pending buffer of one core.
#pragma once

#include <cstdint>

#include "dataplane/decode/decoder_config.h"
#include "dataplane/decode/exporter_table.h"
#include "dataplane/decode/packet_scope.h"
#include "dataplane/decode/pending_buffer.h"
#include "dataplane/decode/record_builder.h"
#include "dataplane/decode/template_cache.h"
#include "dataplane/wire/byte_cursor.h"

namespace synwatch::decode {

class TemplatedDecoder {
 public:
  TemplatedDecoder(const DecoderConfig& config, ExporterTable& exporters);

  void decode_v9(PacketScope& scope, wire::ByteCursor c);
  void decode_ipfix(PacketScope& scope, wire::ByteCursor c);

  const TemplateCache& templates() const { return templates_; }
  const PendingBuffer& pending() const { return pending_; }

 private:
  // One export packet's header facts, as the set walker needs them.
  struct Message {
    ExportVersion version;
    uint32_t domain;
    TimeBase time;
    DomainState* domain_state;
    int64_t clock_ms = 0;  // the export time records carry (export_clock.h)
    uint32_t data_records = 0;     // for the IPFIX sequence number
    uint32_t flow_records = 0;
    uint32_t template_records = 0;
    bool records_uncounted = false;  // a held data set hides its record count
  };

  void walk_sets(PacketScope& scope, Message& m, wire::ByteCursor c);
  void template_set(PacketScope& scope, Message& m, wire::ByteCursor body, bool options);
  void learn(PacketScope& scope, Message& m, uint16_t id, const TemplateBuilder& b);
  void withdraw(PacketScope& scope, Message& m, uint16_t id, uint16_t set_id);
  void data_set(PacketScope& scope, Message& m, uint16_t id, wire::ByteCursor body);
  void decode_records(PacketScope& scope, Message& m, const Template& t, wire::ByteCursor body);
  void apply_options(PacketScope& scope, Message& m, const FieldValues& f);
  void learn_interface(PacketScope& scope, const Message& m, const FieldValues& f);
  void forget_template(const TemplateKey& key);
  TemplateKey key_for(const PacketScope& scope, const Message& m, uint16_t id) const {
    return {scope.ctx.exporter, m.domain, id, m.version};
  }

  const DecoderConfig& config_;
  ExporterTable& exporters_;
  TemplateCache templates_;
  PendingBuffer pending_;
  FieldValues fields_;  // scratch, reused for every record
};

}  // namespace synwatch::decode
