#include "dataplane/json/record_json.h"

#include "dataplane/decode/interface_role.h"
#include "dataplane/signature/label_registry.h"

namespace synwatch::json {

std::string_view record_to_json(const decode::FlowRecord& r, JsonLine& line) {
  line.field("exporter", r.exporter)
      .field("domain", r.domain)
      .field("version", decode::version_name(r.version))
      .field("src", r.src)
      .field("dst", r.dst)
      .field("sport", r.src_port)
      .field("dport", r.dst_port)
      .field("proto", r.proto)
      .field("tcp_flags", r.tcp_flags)
      .field("packets", r.packets)
      .field("bytes", r.bytes)
      .field("start_ms", r.start_ms)
      .field("end_ms", r.end_ms)
      .field("sampling", r.sampling)
      .field("in_if", r.in_if)
      .field("out_if", r.out_if);
  if (r.has_reverse) {
    line.field("rev_tcp_flags", r.rev_tcp_flags)
        .field("rev_packets", r.rev_packets)
        .field("rev_bytes", r.rev_bytes);
  }
  if (r.has_icmp) line.field("icmp_type", r.icmp_type).field("icmp_code", r.icmp_code);
  if (r.has_firewall_event) line.field("firewall_event", r.firewall_event);
  if (r.label != 0) line.field("label", signature::LabelRegistry::instance().name(r.label));
  // The roles interface rules gave the record's interfaces (decode/interface_table.h).
  if (r.src_role != 0) line.field("in_if_role", decode::role_name(static_cast<decode::InterfaceRole>(r.src_role)));
  if (r.dst_role != 0) line.field("out_if_role", decode::role_name(static_cast<decode::InterfaceRole>(r.dst_role)));
  return line.finish();
}

}  // namespace synwatch::json
