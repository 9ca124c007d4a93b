// Fluent builders for export packets, used by the unit, malformed-input and perf tests
// (Katran's PacketBuilder habit): each test states its packet field by field.
//
//   auto pkt = V9Packet().source_id(7).sys_uptime(5000).unix_secs(1700000000)
//                  .template_set(256, {{8, 4}, {12, 4}, {2, 4}})
//                  .data_set(256, Bytes().ipv4("10.0.0.1").ipv4("10.0.0.2").u32(3))
//                  .build();
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "dataplane/wire/ip_address.h"

namespace synwatch::testing {

// Big-endian byte writer.
class Bytes {
 public:
  Bytes& u8(uint64_t v) { return put(v, 1); }
  Bytes& u16(uint64_t v) { return put(v, 2); }
  Bytes& u32(uint64_t v) { return put(v, 4); }
  Bytes& u64(uint64_t v) { return put(v, 8); }
  Bytes& uint(uint64_t v, size_t n) { return put(v, n); }
  Bytes& ipv4(std::string_view text);
  Bytes& ipv6(std::string_view text);
  Bytes& raw(const std::vector<uint8_t>& b) {
    data.insert(data.end(), b.begin(), b.end());
    return *this;
  }
  Bytes& raw(const Bytes& b) { return raw(b.data); }
  Bytes& zeros(size_t n) {
    data.insert(data.end(), n, 0);
    return *this;
  }
  // RFC 7011 variable-length encoding of `payload`.
  Bytes& varlen(const std::vector<uint8_t>& payload);
  size_t size() const { return data.size(); }

  std::vector<uint8_t> data;

 private:
  Bytes& put(uint64_t v, size_t n) {
    for (size_t i = n; i-- > 0;) data.push_back(static_cast<uint8_t>(v >> (8 * i)));
    return *this;
  }
};

struct Field {
  uint16_t id;
  uint16_t length;
  uint32_t pen = 0;
};

struct V5Flow {
  std::string src = "10.0.0.1", dst = "10.0.0.2";
  uint16_t sport = 40000, dport = 80;
  uint8_t proto = 6, tcp_flags = 0x1b, tos = 0;
  uint32_t packets = 10, bytes = 1000, first = 1000, last = 2000;
  uint16_t in_if = 1, out_if = 2;
};

class V5Packet {
 public:
  V5Packet& sys_uptime(uint32_t v) { uptime_ = v; return *this; }
  V5Packet& unix_time(uint32_t secs, uint32_t nsecs) { secs_ = secs; nsecs_ = nsecs; return *this; }
  V5Packet& sequence(uint32_t v) { seq_ = v; return *this; }
  V5Packet& engine(uint8_t type, uint8_t id) { engine_type_ = type; engine_id_ = id; return *this; }
  V5Packet& sampling(uint16_t mode_and_interval) { sampling_ = mode_and_interval; return *this; }
  V5Packet& count(uint16_t v) { count_override_ = v; has_count_override_ = true; return *this; }
  V5Packet& flow(const V5Flow& f) { flows_.push_back(f); return *this; }
  std::vector<uint8_t> build() const;

 private:
  uint32_t uptime_ = 100000, secs_ = 1700000000, nsecs_ = 0, seq_ = 0;
  uint8_t engine_type_ = 0, engine_id_ = 0;
  uint16_t sampling_ = 0, count_override_ = 0;
  bool has_count_override_ = false;
  std::vector<V5Flow> flows_;
};

// NetFlow v9 and IPFIX share set framing; version picks the header and set ids.
class TemplatedPacket {
 public:
  explicit TemplatedPacket(bool ipfix) : ipfix_(ipfix) {}
  TemplatedPacket& domain(uint32_t v) { domain_ = v; return *this; }
  TemplatedPacket& sequence(uint32_t v) { seq_ = v; return *this; }
  TemplatedPacket& export_time(uint32_t secs) { secs_ = secs; return *this; }
  TemplatedPacket& sys_uptime(uint32_t ms) { uptime_ = ms; return *this; }  // v9 only
  TemplatedPacket& count(uint16_t v) { count_ = v; return *this; }          // v9 only
  TemplatedPacket& length_override(uint16_t v) { length_override_ = v; return *this; }

  TemplatedPacket& template_set(uint16_t id, std::initializer_list<Field> fields);
  // IPFIX: scope_count of the fields are scope fields. v9: likewise, encoded as lengths.
  TemplatedPacket& options_template_set(uint16_t id, uint16_t scope_count,
                                        std::initializer_list<Field> fields);
  TemplatedPacket& withdraw(uint16_t id);  // IPFIX template withdrawal
  TemplatedPacket& data_set(uint16_t id, const Bytes& records, size_t padding = 0);
  TemplatedPacket& raw_set(uint16_t set_id, const Bytes& body);  // set header + body as given
  TemplatedPacket& raw(const Bytes& b) { sets_.raw(b); return *this; }
  std::vector<uint8_t> build() const;

 private:
  Bytes field_specs(std::initializer_list<Field> fields) const;
  bool ipfix_;
  uint32_t domain_ = 0, seq_ = 0, secs_ = 1700000000, uptime_ = 100000;
  uint16_t count_ = 0, length_override_ = 0;
  Bytes sets_;
};

inline TemplatedPacket V9Packet() { return TemplatedPacket(false); }
inline TemplatedPacket IpfixPacket() { return TemplatedPacket(true); }

// A sampled frame for sFlow raw-header records.
class FrameBuilder {
 public:
  FrameBuilder& vlan(uint16_t tpid, uint16_t id) { tags_.push_back({tpid, id}); return *this; }
  FrameBuilder& ipv4(std::string_view src, std::string_view dst, uint8_t proto,
                     uint16_t total_length = 0, uint16_t frag = 0);
  FrameBuilder& ipv6(std::string_view src, std::string_view dst, uint8_t next_header,
                     uint16_t payload_length = 0);
  // An IPv6 extension header (hop-by-hop 0, routing 43, dest opts 60, fragment 44).
  FrameBuilder& ipv6_extension(uint8_t type, uint8_t next_header);
  // `option_words`: 32-bit words of (zero) options after the fixed header.
  FrameBuilder& tcp(uint16_t sport, uint16_t dport, uint8_t flags, uint8_t option_words = 0);
  FrameBuilder& udp(uint16_t sport, uint16_t dport, uint16_t payload_length = 0);
  FrameBuilder& icmp(uint8_t type, uint8_t code);
  FrameBuilder& payload(size_t n) { l3_.zeros(n); return *this; }
  FrameBuilder& payload(std::string_view text) {
    l3_.raw(std::vector<uint8_t>(text.begin(), text.end()));
    return *this;
  }
  FrameBuilder& ethertype(uint16_t v) { ethertype_ = v; return *this; }
  // Ethernet frame (with tags) or, with ethernet=false, the IP packet alone.
  std::vector<uint8_t> build(bool ethernet = true) const;

 private:
  struct Tag {
    uint16_t tpid, id;
  };
  std::vector<Tag> tags_;
  uint16_t ethertype_ = 0;
  Bytes l3_;
};

struct SflowFlowSample {
  uint32_t sampling_rate = 1;
  uint32_t input = 1, output = 2;
  bool expanded = false;
  Bytes records;  // flow records, each built with raw_header()/sampled_ipv4()/other_record()
  uint32_t record_count = 0;

  SflowFlowSample& rate(uint32_t v) { sampling_rate = v; return *this; }
  SflowFlowSample& interfaces(uint32_t in, uint32_t out) { input = in; output = out; return *this; }
  SflowFlowSample& expanded_form() { expanded = true; return *this; }
  SflowFlowSample& raw_header(const std::vector<uint8_t>& frame, uint32_t header_protocol = 1,
                              uint32_t frame_length = 0);
  SflowFlowSample& sampled_ipv4(std::string_view src, std::string_view dst, uint8_t proto,
                                uint16_t sport, uint16_t dport, uint8_t flags, uint32_t length);
  SflowFlowSample& other_record(uint32_t format, size_t length);
};

class SflowDatagram {
 public:
  SflowDatagram& agent(std::string_view address) { agent_ = std::string(address); return *this; }
  SflowDatagram& sub_agent(uint32_t v) { sub_agent_ = v; return *this; }
  SflowDatagram& sequence(uint32_t v) { seq_ = v; return *this; }
  SflowDatagram& flow_sample(const SflowFlowSample& s);
  SflowDatagram& counter_sample(size_t length);
  SflowDatagram& raw_sample(uint32_t type, const Bytes& body);
  SflowDatagram& sample_count(uint32_t v) { count_override_ = v; has_count_override_ = true; return *this; }
  std::vector<uint8_t> build() const;

 private:
  std::string agent_ = "192.0.2.1";
  uint32_t sub_agent_ = 0, seq_ = 1, samples_ = 0, count_override_ = 0;
  bool has_count_override_ = false;
  Bytes body_;
};

// Ethernet + IPv4/IPv6 + UDP around an export payload, as it arrives at the collector.
std::vector<uint8_t> udp_frame(std::string_view src, std::string_view dst, uint16_t sport,
                               uint16_t dport, const std::vector<uint8_t>& payload);

}  // namespace synwatch::testing
