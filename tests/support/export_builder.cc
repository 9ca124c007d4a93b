#include "tests/support/export_builder.h"

#include <stdexcept>

namespace synwatch::testing {

namespace {
wire::IpAddress must_parse(std::string_view text) {
  wire::IpAddress a;
  if (!wire::IpAddress::parse(text, a)) throw std::invalid_argument(std::string(text));
  return a;
}
}  // namespace

Bytes& Bytes::ipv4(std::string_view text) {
  const auto a = must_parse(text);
  for (int i = 12; i < 16; ++i) data.push_back(a.bytes()[static_cast<size_t>(i)]);
  return *this;
}

Bytes& Bytes::ipv6(std::string_view text) {
  const auto a = must_parse(text);
  data.insert(data.end(), a.bytes().begin(), a.bytes().end());
  return *this;
}

Bytes& Bytes::varlen(const std::vector<uint8_t>& payload) {
  if (payload.size() < 255) {
    u8(payload.size());
  } else {
    u8(255).u16(payload.size());
  }
  return raw(payload);
}

std::vector<uint8_t> V5Packet::build() const {
  Bytes b;
  const uint16_t count = has_count_override_ ? count_override_ : static_cast<uint16_t>(flows_.size());
  b.u16(5).u16(count).u32(uptime_).u32(secs_).u32(nsecs_).u32(seq_).u8(engine_type_)
      .u8(engine_id_).u16(sampling_);
  for (const auto& f : flows_) {
    b.ipv4(f.src).ipv4(f.dst).ipv4("0.0.0.0").u16(f.in_if).u16(f.out_if).u32(f.packets)
        .u32(f.bytes).u32(f.first).u32(f.last).u16(f.sport).u16(f.dport).u8(0).u8(f.tcp_flags)
        .u8(f.proto).u8(f.tos).u16(0).u16(0).u8(0).u8(0).u16(0);
  }
  return b.data;
}

Bytes TemplatedPacket::field_specs(std::initializer_list<Field> fields) const {
  Bytes b;
  for (const auto& f : fields) {
    if (ipfix_ && f.pen != 0) {
      b.u16(f.id | 0x8000u).u16(f.length).u32(f.pen);
    } else {
      b.u16(f.id).u16(f.length);
    }
  }
  return b;
}

TemplatedPacket& TemplatedPacket::template_set(uint16_t id, std::initializer_list<Field> fields) {
  Bytes body;
  body.u16(id).u16(fields.size()).raw(field_specs(fields));
  return raw_set(ipfix_ ? 2 : 0, body);
}

TemplatedPacket& TemplatedPacket::options_template_set(uint16_t id, uint16_t scope_count,
                                                       std::initializer_list<Field> fields) {
  Bytes body;
  if (ipfix_) {
    body.u16(id).u16(fields.size()).u16(scope_count).raw(field_specs(fields));
  } else {
    body.u16(id).u16(scope_count * 4u).u16((fields.size() - scope_count) * 4u)
        .raw(field_specs(fields));
  }
  return raw_set(ipfix_ ? 3 : 1, body);
}

TemplatedPacket& TemplatedPacket::withdraw(uint16_t id) {
  return raw_set(2, Bytes().u16(id).u16(0));
}

TemplatedPacket& TemplatedPacket::data_set(uint16_t id, const Bytes& records, size_t padding) {
  Bytes body = records;
  body.zeros(padding);
  return raw_set(id, body);
}

TemplatedPacket& TemplatedPacket::raw_set(uint16_t set_id, const Bytes& body) {
  sets_.u16(set_id).u16(body.size() + 4).raw(body);
  return *this;
}

std::vector<uint8_t> TemplatedPacket::build() const {
  Bytes b;
  if (ipfix_) {
    const size_t length = length_override_ ? length_override_ : 16 + sets_.size();
    b.u16(10).u16(length).u32(secs_).u32(seq_).u32(domain_);
  } else {
    b.u16(9).u16(count_).u32(uptime_).u32(secs_).u32(seq_).u32(domain_);
  }
  return b.raw(sets_).data;
}

FrameBuilder& FrameBuilder::ipv4(std::string_view src, std::string_view dst, uint8_t proto,
                                 uint16_t total_length, uint16_t frag) {
  ethertype_ = ethertype_ ? ethertype_ : 0x0800;
  l3_.u8(0x45).u8(0).u16(total_length ? total_length : 40).u16(1).u16(frag).u8(64).u8(proto)
      .u16(0).ipv4(src).ipv4(dst);
  return *this;
}

FrameBuilder& FrameBuilder::ipv6(std::string_view src, std::string_view dst, uint8_t next_header,
                                 uint16_t payload_length) {
  ethertype_ = ethertype_ ? ethertype_ : 0x86dd;
  l3_.u32(0x60000000).u16(payload_length ? payload_length : 20).u8(next_header).u8(64)
      .ipv6(src).ipv6(dst);
  return *this;
}

FrameBuilder& FrameBuilder::ipv6_extension(uint8_t type, uint8_t next_header) {
  if (type == 44) {
    l3_.u8(next_header).u8(0).u16(0).u32(1);  // first fragment, offset 0
  } else {
    l3_.u8(next_header).u8(0).zeros(6);
  }
  return *this;
}

FrameBuilder& FrameBuilder::tcp(uint16_t sport, uint16_t dport, uint8_t flags, uint8_t option_words) {
  const auto data_offset = static_cast<uint8_t>((5 + option_words) << 4);
  l3_.u16(sport).u16(dport).u32(1).u32(0).u8(data_offset).u8(flags).u16(65535).u16(0).u16(0);
  l3_.zeros(size_t{option_words} * 4);
  return *this;
}

FrameBuilder& FrameBuilder::udp(uint16_t sport, uint16_t dport, uint16_t payload_length) {
  l3_.u16(sport).u16(dport).u16(8 + payload_length).u16(0);
  return *this;
}

FrameBuilder& FrameBuilder::icmp(uint8_t type, uint8_t code) {
  l3_.u8(type).u8(code).u16(0).u32(0);
  return *this;
}

std::vector<uint8_t> FrameBuilder::build(bool ethernet) const {
  if (!ethernet) return l3_.data;
  Bytes b;
  b.u32(0x02000000).u16(0x0001).u32(0x02000000).u16(0x0002);  // dst, src MAC
  for (const auto& t : tags_) b.u16(t.tpid).u16(t.id);
  b.u16(ethertype_).raw(l3_);
  return b.data;
}

SflowFlowSample& SflowFlowSample::raw_header(const std::vector<uint8_t>& frame,
                                             uint32_t header_protocol, uint32_t frame_length) {
  Bytes body;
  body.u32(header_protocol).u32(frame_length ? frame_length : frame.size() + 4).u32(4)
      .u32(frame.size()).raw(frame).zeros((4 - frame.size() % 4) % 4);
  records.u32(1).u32(body.size()).raw(body);
  ++record_count;
  return *this;
}

SflowFlowSample& SflowFlowSample::sampled_ipv4(std::string_view src, std::string_view dst,
                                               uint8_t proto, uint16_t sport, uint16_t dport,
                                               uint8_t flags, uint32_t length) {
  Bytes body;
  body.u32(length).u32(proto).ipv4(src).ipv4(dst).u32(sport).u32(dport).u32(flags).u32(0);
  records.u32(3).u32(body.size()).raw(body);
  ++record_count;
  return *this;
}

SflowFlowSample& SflowFlowSample::other_record(uint32_t format, size_t length) {
  records.u32(format).u32(length).zeros(length);
  ++record_count;
  return *this;
}

SflowDatagram& SflowDatagram::flow_sample(const SflowFlowSample& s) {
  Bytes body;
  if (s.expanded) {
    body.u32(samples_ + 1).u32(0).u32(1).u32(s.sampling_rate).u32(100).u32(0).u32(0)
        .u32(s.input).u32(0).u32(s.output).u32(s.record_count).raw(s.records);
  } else {
    body.u32(samples_ + 1).u32(1).u32(s.sampling_rate).u32(100).u32(0).u32(s.input)
        .u32(s.output).u32(s.record_count).raw(s.records);
  }
  return raw_sample(s.expanded ? 3 : 1, body);
}

SflowDatagram& SflowDatagram::counter_sample(size_t length) {
  return raw_sample(2, Bytes().zeros(length));
}

SflowDatagram& SflowDatagram::raw_sample(uint32_t type, const Bytes& body) {
  body_.u32(type).u32(body.size()).raw(body);
  ++samples_;
  return *this;
}

std::vector<uint8_t> SflowDatagram::build() const {
  Bytes b;
  const bool v6 = agent_.find(':') != std::string::npos;
  b.u32(5).u32(v6 ? 2 : 1);
  if (v6) {
    b.ipv6(agent_);
  } else {
    b.ipv4(agent_);
  }
  b.u32(sub_agent_).u32(seq_).u32(1000).u32(has_count_override_ ? count_override_ : samples_)
      .raw(body_);
  return b.data;
}

std::vector<uint8_t> udp_frame(std::string_view src, std::string_view dst, uint16_t sport,
                               uint16_t dport, const std::vector<uint8_t>& payload) {
  FrameBuilder f;
  const auto len = static_cast<uint16_t>(payload.size());
  if (src.find(':') != std::string_view::npos) {
    f.ipv6(src, dst, 17, static_cast<uint16_t>(8 + len));
  } else {
    f.ipv4(src, dst, 17, static_cast<uint16_t>(28 + len));
  }
  f.udp(sport, dport, len);
  auto frame = f.build();
  frame.insert(frame.end(), payload.begin(), payload.end());
  return frame;
}

}  // namespace synwatch::testing
