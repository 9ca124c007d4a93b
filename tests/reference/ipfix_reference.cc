#include "tests/reference/ipfix_reference.h"

#include <algorithm>
#include <optional>
#include <type_traits>

namespace synwatch::reference {
namespace {

using decode::FlowRecord;
using wire::IpAddress;

constexpr uint16_t kTemplateSetId = 2;         // RFC 7011 3.3.2
constexpr uint16_t kOptionsTemplateSetId = 3;
constexpr uint16_t kFirstDataSetId = 256;
constexpr uint16_t kVariableLength = 65535;    // RFC 7011 7
constexpr uint32_t kReverseEnterprise = 29305;  // RFC 5103 6.1
constexpr int64_t kLatestMs = 253402300799999;   // 9999-12-31T23:59:59.999Z

// Big-endian reads, each checking that the bytes are there.
bool get16(const uint8_t* p, size_t size, size_t& at, uint16_t& v) {
  if (size - at < 2 || at > size) return false;
  v = static_cast<uint16_t>(p[at] << 8 | p[at + 1]);
  at += 2;
  return true;
}
bool get32(const uint8_t* p, size_t size, size_t& at, uint32_t& v) {
  uint16_t hi, lo;
  if (!get16(p, size, at, hi) || !get16(p, size, at, lo)) return false;
  v = uint32_t{hi} << 16 | lo;
  return true;
}
uint64_t unsigned_of(const uint8_t* p, size_t length) {  // reduced-size encoding, RFC 7011 6.2
  uint64_t v = 0;
  for (size_t i = 0; i < length; ++i) v = v << 8 | p[i];
  return v;
}

enum class Type { kUnsigned, kIpv4, kIpv6, kNtpTime };
struct Element {
  const char* name;
  Type type;
};

// The information elements synwatch reads: (enterprise, id) -> name and abstract type.
// Aliases share a name (icmpTypeCodeIPv4 / IPv6), so the later field of a record wins.
std::optional<Element> element(uint32_t enterprise, uint16_t id) {
  static const std::map<std::pair<uint32_t, uint16_t>, Element> kElements = {
      {{0, 1}, {"octetDeltaCount", Type::kUnsigned}},
      {{0, 2}, {"packetDeltaCount", Type::kUnsigned}},
      {{0, 4}, {"protocolIdentifier", Type::kUnsigned}},
      {{0, 5}, {"ipClassOfService", Type::kUnsigned}},
      {{0, 6}, {"tcpControlBits", Type::kUnsigned}},
      {{0, 7}, {"sourceTransportPort", Type::kUnsigned}},
      {{0, 8}, {"sourceIPv4Address", Type::kIpv4}},
      {{0, 10}, {"ingressInterface", Type::kUnsigned}},
      {{0, 11}, {"destinationTransportPort", Type::kUnsigned}},
      {{0, 12}, {"destinationIPv4Address", Type::kIpv4}},
      {{0, 14}, {"egressInterface", Type::kUnsigned}},
      {{0, 21}, {"flowEndSysUpTime", Type::kUnsigned}},
      {{0, 22}, {"flowStartSysUpTime", Type::kUnsigned}},
      {{0, 23}, {"postOctetDeltaCount", Type::kUnsigned}},
      {{0, 24}, {"postPacketDeltaCount", Type::kUnsigned}},
      {{0, 27}, {"sourceIPv6Address", Type::kIpv6}},
      {{0, 28}, {"destinationIPv6Address", Type::kIpv6}},
      {{0, 32}, {"icmpTypeCode", Type::kUnsigned}},
      {{0, 34}, {"samplingInterval", Type::kUnsigned}},
      {{0, 48}, {"samplerId", Type::kUnsigned}},
      {{0, 50}, {"samplerRandomInterval", Type::kUnsigned}},
      {{0, 60}, {"ipVersion", Type::kUnsigned}},
      {{0, 61}, {"flowDirection", Type::kUnsigned}},
      {{0, 85}, {"octetTotalCount", Type::kUnsigned}},
      {{0, 86}, {"packetTotalCount", Type::kUnsigned}},
      {{0, 139}, {"icmpTypeCode", Type::kUnsigned}},
      {{0, 150}, {"flowStartSeconds", Type::kUnsigned}},
      {{0, 151}, {"flowEndSeconds", Type::kUnsigned}},
      {{0, 152}, {"flowStartMilliseconds", Type::kUnsigned}},
      {{0, 153}, {"flowEndMilliseconds", Type::kUnsigned}},
      {{0, 154}, {"flowStartMicroseconds", Type::kNtpTime}},
      {{0, 155}, {"flowEndMicroseconds", Type::kNtpTime}},
      {{0, 156}, {"flowStartNanoseconds", Type::kNtpTime}},
      {{0, 157}, {"flowEndNanoseconds", Type::kNtpTime}},
      {{0, 158}, {"flowStartDeltaMicroseconds", Type::kUnsigned}},
      {{0, 159}, {"flowEndDeltaMicroseconds", Type::kUnsigned}},
      {{0, 160}, {"systemInitTimeMilliseconds", Type::kUnsigned}},
      {{0, 176}, {"icmpType", Type::kUnsigned}},
      {{0, 177}, {"icmpCode", Type::kUnsigned}},
      {{0, 178}, {"icmpType", Type::kUnsigned}},
      {{0, 179}, {"icmpCode", Type::kUnsigned}},
      {{0, 231}, {"initiatorOctets", Type::kUnsigned}},
      {{0, 232}, {"responderOctets", Type::kUnsigned}},
      {{0, 233}, {"firewallEvent", Type::kUnsigned}},
      {{0, 298}, {"initiatorPackets", Type::kUnsigned}},
      {{0, 299}, {"responderPackets", Type::kUnsigned}},
      {{0, 302}, {"selectorId", Type::kUnsigned}},
      {{0, 305}, {"samplingPacketInterval", Type::kUnsigned}},
      {{0, 306}, {"samplingPacketSpace", Type::kUnsigned}},
      {{0, 309}, {"samplingSize", Type::kUnsigned}},
      {{0, 310}, {"samplingPopulation", Type::kUnsigned}},
      {{0, 322}, {"observationTimeSeconds", Type::kUnsigned}},
      {{0, 323}, {"observationTimeMilliseconds", Type::kUnsigned}},
      {{kReverseEnterprise, 1}, {"reverseOctetDeltaCount", Type::kUnsigned}},
      {{kReverseEnterprise, 2}, {"reversePacketDeltaCount", Type::kUnsigned}},
      {{kReverseEnterprise, 6}, {"reverseTcpControlBits", Type::kUnsigned}},
      {{kReverseEnterprise, 85}, {"reverseOctetTotalCount", Type::kUnsigned}},
      {{kReverseEnterprise, 86}, {"reversePacketTotalCount", Type::kUnsigned}},
  };
  auto it = kElements.find({enterprise, id});
  if (it == kElements.end()) return std::nullopt;
  return it->second;
}

// The lengths each abstract type may be sent in (RFC 7011 6.1, reduced-size encoding
// for unsigned integers); a field of another length is ignored.
bool length_allowed(Type type, size_t length) {
  switch (type) {
    case Type::kUnsigned: return length >= 1 && length <= 8;
    case Type::kIpv4: return length == 4;
    case Type::kIpv6: return length == 16;
    case Type::kNtpTime: return length == 8;
  }
  return false;
}

template <typename Numbers>
std::optional<uint64_t> first_present(const Numbers& values,
                                      std::initializer_list<const char*> names) {
  for (const char* name : names)
    if (values.count(name)) return values.at(name);
  return std::nullopt;
}

int64_t clamp_ms(uint64_t ms) { return ms > uint64_t(kLatestMs) ? kLatestMs : int64_t(ms); }

// RFC 5905 NTP timestamp; seconds before 1970 belong to era 1 (from 2036).
int64_t ntp_ms(uint64_t ntp) {
  int64_t seconds = int64_t(ntp >> 32);
  if (seconds < 2208988800LL) seconds += int64_t{1} << 32;
  return (seconds - 2208988800LL) * 1000 + int64_t(((ntp & 0xffffffffULL) * 1000) >> 32);
}

// A flow's start or end: the first of the forms the record carries, in this order.
template <typename Numbers>
std::optional<int64_t> flow_time(const Numbers& n, const char* ms,
                                 const char* s, const char* us, const char* ns,
                                 const char* delta_us, const char* uptime, int64_t export_ms,
                                 int64_t system_init_ms) {
  if (n.count(ms)) return clamp_ms(n.at(ms));
  if (n.count(s)) return clamp_ms(std::min<uint64_t>(n.at(s), uint64_t(kLatestMs) / 1000) * 1000);
  if (n.count(us)) return ntp_ms(n.at(us));
  if (n.count(ns)) return ntp_ms(n.at(ns));
  if (n.count(delta_us)) return export_ms - int64_t(n.at(delta_us) / 1000);
  if (n.count(uptime)) {
    // IPFIX uptime fields count from systemInitTimeMilliseconds; unknown: export time.
    if (system_init_ms < 0) return export_ms;
    return system_init_ms + int64_t(uint32_t(n.at(uptime)));
  }
  return std::nullopt;
}

}  // namespace

void ReferenceIpfix::decode(const uint8_t* data, size_t size, const IpAddress& exporter,
                            std::vector<FlowRecord>& out) {
  // Message header, RFC 7011 3.1: version, length, export time, sequence, domain.
  size_t at = 2;
  uint16_t length = 0;
  uint32_t export_seconds = 0, sequence = 0, domain = 0;
  if (!get16(data, size, at, length) || !get32(data, size, at, export_seconds) ||
      !get32(data, size, at, sequence) || !get32(data, size, at, domain))
    return;
  if (length < 16 || length > size) return;
  const int64_t export_ms = int64_t{export_seconds} * 1000;
  domains_[domain];  // a domain exists from its first message

  // Sets, RFC 7011 3.3: a set that claims more than the message holds ends the message;
  // fewer than 4 bytes left is padding.
  while (length - at >= 4) {
    uint16_t set_id = 0, set_length = 0;
    if (!get16(data, length, at, set_id) || !get16(data, length, at, set_length)) return;
    if (set_length < 4 || set_length - 4u > length - at) return;
    const uint8_t* body = data + at;
    const size_t body_size = set_length - 4u;
    at += body_size;
    if (set_id == kTemplateSetId || set_id == kOptionsTemplateSetId) {
      template_set(domain, set_id, body, body_size);
    } else if (set_id >= kFirstDataSetId) {
      auto t = templates_.find({domain, set_id});
      if (t != templates_.end()) data_set(domain, export_ms, t->second, body, body_size, exporter, out);
    }
  }
}

void ReferenceIpfix::template_set(uint32_t domain, uint16_t set_id, const uint8_t* p,
                                  size_t size) {
  const bool options = set_id == kOptionsTemplateSetId;
  size_t at = 0;
  while (size - at >= 4) {
    uint16_t id = 0, field_count = 0;
    if (!get16(p, size, at, id) || !get16(p, size, at, field_count)) return;
    if (id == 0 && field_count == 0) return;  // padding
    if (field_count == 0) {                  // withdrawal, RFC 7011 8.1
      if (id == set_id) {                    // all (options) templates of the domain
        for (auto it = templates_.begin(); it != templates_.end();) {
          const bool match = it->first.first == domain && it->second.options == options;
          it = match ? templates_.erase(it) : std::next(it);
        }
      } else if (id >= kFirstDataSetId) {
        templates_.erase({domain, id});
      }
      continue;
    }
    uint16_t scope_count = 0;
    if (options) {
      if (!get16(p, size, at, scope_count)) return;
      if (scope_count == 0 || scope_count > field_count) return;  // RFC 7011 3.4.2.2
    }
    if (id < kFirstDataSetId) return;
    Template t;
    t.options = options;
    for (uint16_t i = 0; i < field_count; ++i) {
      FieldSpecifier f;
      uint16_t raw_id;
      if (!get16(p, size, at, raw_id) || !get16(p, size, at, f.length)) return;
      f.enterprise_bit = (raw_id & 0x8000) != 0;
      f.id = raw_id & 0x7fff;
      if (f.enterprise_bit && !get32(p, size, at, f.enterprise)) return;
      t.fields.push_back(f);
    }
    for (const auto& f : t.fields) t.shortest_record += f.length == kVariableLength ? 1 : f.length;
    if (t.shortest_record == 0) continue;  // records of no bytes: not a template
    if (t.fields.size() > limits_.fields_per_template && beyond_.empty())
      beyond_ = "a template of " + std::to_string(t.fields.size()) + " fields";
    templates_[{domain, id}] = t;
    if (templates_.size() > limits_.templates && beyond_.empty())
      beyond_ = std::to_string(templates_.size()) + " templates";
  }
}

bool ReferenceIpfix::read_record(const Template& t, const uint8_t* p, size_t size, size_t& at,
                                 Values& values) {
  for (const auto& f : t.fields) {
    size_t length = f.length;
    if (f.length == kVariableLength) {  // RFC 7011 7: one length byte, or 255 and two more
      if (size - at < 1) return false;
      length = p[at++];
      if (length == 255) {
        uint16_t long_length;
        if (!get16(p, size, at, long_length)) return false;
        length = long_length;
      }
    }
    if (size - at < length) return false;
    const uint8_t* value = p + at;
    at += length;
    // An enterprise-specific element is never the IANA element of the same number.
    if (f.enterprise_bit && f.enterprise == 0) continue;
    const auto e = element(f.enterprise_bit ? f.enterprise : 0, f.id);
    if (!e || !length_allowed(e->type, length) || f.length == kVariableLength) continue;
    switch (e->type) {
      case Type::kIpv4: values.addresses.set(e->name, IpAddress::v4_bytes(value)); break;
      case Type::kIpv6: values.addresses.set(e->name, IpAddress::v6_bytes(value)); break;
      default: values.numbers.set(e->name, unsigned_of(value, length)); break;
    }
  }
  return true;
}

void ReferenceIpfix::data_set(uint32_t domain, int64_t export_ms, const Template& t,
                              const uint8_t* p, size_t size, const IpAddress& exporter,
                              std::vector<FlowRecord>& out) {
  Domain& d = domains_[domain];
  size_t at = 0;
  // Fewer bytes left than the shortest record are padding, RFC 7011 3.3.1.
  while (size - at >= t.shortest_record) {
    Values v;
    if (!read_record(t, p, size, at, v)) return;
    if (t.options) {
      apply_options(d, v);
      continue;
    }
    FlowRecord r;
    if (!flow_record(v, d, export_ms, r)) continue;
    r.exporter = exporter;
    r.export_ms = export_ms;
    r.version = decode::ExportVersion::kIpfix;
    r.domain = domain;
    out.push_back(r);
  }
}

uint32_t ReferenceIpfix::announced_sampling(const Values& v) {
  const auto& n = v.numbers;
  uint64_t rate = 0;
  if (n.count("samplingInterval")) {
    rate = n.at("samplingInterval");
  } else if (n.count("samplerRandomInterval")) {
    rate = n.at("samplerRandomInterval");
  } else if (n.count("samplingPacketInterval") && n.at("samplingPacketInterval") != 0) {
    // RFC 5476: `interval` packets selected, then `space` packets skipped.
    const uint64_t interval = n.at("samplingPacketInterval");
    const uint64_t space = n.count("samplingPacketSpace") ? n.at("samplingPacketSpace") : 0;
    rate = (interval + space) / interval;
  } else if (n.count("samplingSize") && n.count("samplingPopulation") &&
             n.at("samplingSize") != 0) {
    rate = n.at("samplingPopulation") / n.at("samplingSize");
  }
  return uint32_t(std::min<uint64_t>(rate, 0xffffffffULL));
}

void ReferenceIpfix::apply_options(Domain& d, const Values& v) {
  if (v.has("systemInitTimeMilliseconds"))
    d.system_init_ms = clamp_ms(v.numbers.at("systemInitTimeMilliseconds"));
  const uint32_t rate = announced_sampling(v);
  if (rate == 0) return;
  const auto sampler = first_present(v.numbers, {"samplerId", "selectorId"});
  if (!sampler) {
    d.default_sampling = rate;
    return;
  }
  d.samplers[*sampler] = rate;
  if (d.samplers.size() > limits_.samplers_per_domain && beyond_.empty())
    beyond_ = std::to_string(d.samplers.size()) + " samplers in a domain";
}

bool ReferenceIpfix::flow_record(const Values& v, const Domain& d, int64_t export_ms,
                                 FlowRecord& r) const {
  const auto& a = v.addresses;
  const auto& n = v.numbers;
  const bool v4 = a.count("sourceIPv4Address") && a.count("destinationIPv4Address");
  const bool v6 = a.count("sourceIPv6Address") && a.count("destinationIPv6Address");
  if (!v4 && !v6) return false;  // not a flow
  bool use_v6 = v6;
  if (v4 && v6) {  // a template for both families: ipVersion, else the pair that is not zero
    use_v6 = n.count("ipVersion")
                 ? n.at("ipVersion") == 6
                 : a.at("sourceIPv4Address").v4_host_order() == 0 &&
                       a.at("destinationIPv4Address").v4_host_order() == 0;
  }
  r.src = a.at(use_v6 ? "sourceIPv6Address" : "sourceIPv4Address");
  r.dst = a.at(use_v6 ? "destinationIPv6Address" : "destinationIPv4Address");
  // Each value is kept in the width the record has for it.
  auto low = [&](const char* name, auto& field) {
    if (n.count(name)) field = static_cast<std::remove_reference_t<decltype(field)>>(n.at(name));
  };
  low("sourceTransportPort", r.src_port);
  low("destinationTransportPort", r.dst_port);
  low("protocolIdentifier", r.proto);
  low("tcpControlBits", r.tcp_flags);
  low("ipClassOfService", r.tos);
  low("ingressInterface", r.in_if);
  low("egressInterface", r.out_if);

  // Delta counters, else NSEL initiator/responder counters, else totals, else post counters.
  r.bytes = first_present(n, {"octetDeltaCount", "initiatorOctets", "octetTotalCount",
                              "postOctetDeltaCount"}).value_or(0);
  r.packets = first_present(n, {"packetDeltaCount", "initiatorPackets", "packetTotalCount",
                                "postPacketDeltaCount"}).value_or(0);
  const auto rev_bytes =
      first_present(n, {"reverseOctetDeltaCount", "responderOctets", "reverseOctetTotalCount"});
  const auto rev_packets = first_present(
      n, {"reversePacketDeltaCount", "responderPackets", "reversePacketTotalCount"});
  r.rev_bytes = rev_bytes.value_or(0);
  r.rev_packets = rev_packets.value_or(0);
  low("reverseTcpControlBits", r.rev_tcp_flags);
  r.has_reverse = rev_bytes || rev_packets || n.count("reverseTcpControlBits");
  if (n.count("firewallEvent")) {
    r.firewall_event = uint8_t(n.at("firewallEvent"));
    r.has_firewall_event = true;
  }

  auto start = flow_time(n, "flowStartMilliseconds", "flowStartSeconds", "flowStartMicroseconds",
                         "flowStartNanoseconds", "flowStartDeltaMicroseconds",
                         "flowStartSysUpTime", export_ms, d.system_init_ms);
  auto end = flow_time(n, "flowEndMilliseconds", "flowEndSeconds", "flowEndMicroseconds",
                       "flowEndNanoseconds", "flowEndDeltaMicroseconds", "flowEndSysUpTime",
                       export_ms, d.system_init_ms);
  if (!start && !end) {  // an event (NSEL) has only its observation time; else export time
    if (n.count("observationTimeMilliseconds")) {
      start = clamp_ms(n.at("observationTimeMilliseconds"));
    } else if (n.count("observationTimeSeconds")) {
      start = clamp_ms(std::min<uint64_t>(n.at("observationTimeSeconds"), uint64_t(kLatestMs) / 1000) * 1000);
    } else {
      start = export_ms;
    }
  }
  r.start_ms = start ? *start : *end;
  r.end_ms = end ? *end : *start;

  if (r.proto == 1 || r.proto == 58) {
    r.has_icmp = true;
    if (n.count("icmpTypeCode")) {
      r.icmp_type = uint8_t(n.at("icmpTypeCode") >> 8);
      r.icmp_code = uint8_t(n.at("icmpTypeCode"));
    } else if (n.count("icmpType")) {
      r.icmp_type = uint8_t(n.at("icmpType"));
      r.icmp_code = n.count("icmpCode") ? uint8_t(n.at("icmpCode")) : 0;
    } else if (r.src_port != 0 && r.dst_port < 256) {  // fprobe: type and code in the ports
      r.icmp_type = uint8_t(r.src_port);
      r.icmp_code = uint8_t(r.dst_port);
    } else {  // type << 8 | code in the destination port
      r.icmp_type = uint8_t(r.dst_port >> 8);
      r.icmp_code = uint8_t(r.dst_port);
    }
  }

  // Sampling: what the record announces, else its sampler's rate, else the domain's.
  uint32_t rate = announced_sampling(v);
  if (rate == 0) {
    const auto sampler = first_present(n, {"samplerId", "selectorId"});
    if (sampler && d.samplers.count(*sampler)) rate = d.samplers.at(*sampler);
  }
  if (rate == 0) rate = d.default_sampling;
  r.sampling = rate == 0 ? 1 : rate;
  return true;
}

}  // namespace synwatch::reference
