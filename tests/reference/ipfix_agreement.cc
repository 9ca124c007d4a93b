#include "tests/reference/ipfix_agreement.h"

#include <algorithm>
#include <sstream>

namespace synwatch::reference {
namespace {

decode::DecoderConfig unbinding(const ReferenceLimits& limits) {
  decode::DecoderConfig c;
  c.exporter_capacity = static_cast<uint32_t>(limits.exporters);
  c.template_capacity = static_cast<uint32_t>(limits.templates);
  c.templates_per_exporter = static_cast<uint32_t>(limits.templates);
  c.template_timeout_s = 0;      // never expire: the reference has no clock
  c.pending_slots = 0;           // no holding: data before its template is not decoded
  c.pending_per_exporter = 0;
  c.max_records_per_packet = 65535;  // more than a 64 KiB message can hold
  c.clock_jump_s = 0;  // the export clock guard is outside the reference (export_clock.h)
  return c;
}

}  // namespace

IpfixAgreement::IpfixAgreement(ReferenceLimits limits)
    : limits_(limits), decoder_(unbinding(limits)) {}

std::string IpfixAgreement::feed(const uint8_t* data, size_t size,
                                 const wire::IpAddress& exporter, int64_t receive_ms) {
  if (beyond_scope()) return {};
  decoded_.clear();
  expected_.clear();
  decode::ExportContext ctx;
  ctx.exporter = exporter;
  ctx.receive_ms = receive_ms;
  decoder_.decode(ctx, data, size, *this);
  ReferenceIpfix& reference = references_.try_emplace(exporter, limits_).first->second;
  if (references_.size() > limits_.exporters) {
    beyond_ = std::to_string(references_.size()) + " exporters";
    return {};
  }
  reference.decode(data, size, exporter, expected_);
  if (reference.beyond_scope()) {
    beyond_ = reference.beyond_reason();
    return {};
  }
  std::ostringstream out;
  if (decoded_.size() != expected_.size())
    out << "decoder emitted " << decoded_.size() << " records, reference " << expected_.size()
        << "; ";
  const size_t both = std::min(decoded_.size(), expected_.size());
  for (size_t i = 0; i < both; ++i) {
    const std::string d = record_differences(decoded_[i], expected_[i]);
    if (!d.empty()) {
      out << "record " << i << " (decoder | reference): " << d;
      break;
    }
  }
  compared_ += both;
  return out.str();
}

std::string record_differences(const decode::FlowRecord& a, const decode::FlowRecord& b) {
  std::ostringstream out;
  auto field = [&](const char* name, const auto& x, const auto& y) {
    if (!(x == y)) out << name << ": " << +x << " | " << +y << "; ";
  };
  auto address = [&](const char* name, const wire::IpAddress& x, const wire::IpAddress& y) {
    if (!(x == y)) out << name << ": " << x.to_string() << " | " << y.to_string() << "; ";
  };
  address("exporter", a.exporter, b.exporter);
  address("src", a.src, b.src);
  address("dst", a.dst, b.dst);
  field("domain", a.domain, b.domain);
  field("sampling", a.sampling, b.sampling);
  field("in_if", a.in_if, b.in_if);
  field("out_if", a.out_if, b.out_if);
  field("packets", a.packets, b.packets);
  field("bytes", a.bytes, b.bytes);
  field("rev_packets", a.rev_packets, b.rev_packets);
  field("rev_bytes", a.rev_bytes, b.rev_bytes);
  field("start_ms", a.start_ms, b.start_ms);
  field("end_ms", a.end_ms, b.end_ms);
  field("export_ms", a.export_ms, b.export_ms);
  field("src_port", a.src_port, b.src_port);
  field("dst_port", a.dst_port, b.dst_port);
  field("version", static_cast<int>(a.version), static_cast<int>(b.version));
  field("proto", a.proto, b.proto);
  field("tcp_flags", a.tcp_flags, b.tcp_flags);
  field("rev_tcp_flags", a.rev_tcp_flags, b.rev_tcp_flags);
  field("tos", a.tos, b.tos);
  field("icmp_type", a.icmp_type, b.icmp_type);
  field("icmp_code", a.icmp_code, b.icmp_code);
  field("firewall_event", a.firewall_event, b.firewall_event);
  field("has_reverse", a.has_reverse, b.has_reverse);
  field("has_icmp", a.has_icmp, b.has_icmp);
  field("has_firewall_event", a.has_firewall_event, b.has_firewall_event);
  return out.str();
}

}  // namespace synwatch::reference
