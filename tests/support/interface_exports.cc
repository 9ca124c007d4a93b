#include "tests/support/interface_exports.h"

#include <string>

#include "tests/support/export_builder.h"
#include "tests/support/pcap_writer.h"

namespace synwatch::testing {
namespace {

constexpr uint32_t kExportSecs = kInterfaceExportSecs;

struct Interface {
  uint32_t index;
  std::string name, description;
};
const Interface kInterfaces[] = {
    {1, "Te0/0/0", "TRANSIT: AS64500 upstream"},
    {2, "Vl100", "servers"},
    {3, "Gi0/1", "IX peering LAN"},
};

struct Flow {
  const char *src, *dst;
  uint16_t sport, dport;
  uint8_t flags;
  uint32_t in_if, out_if;
};
const Flow kFlows[] = {
    {"203.0.113.50", "198.51.100.10", 40000, 22, 0x02, 1, 2},
    {"198.51.100.10", "203.0.113.60", 50000, 443, 0x1b, 2, 1},
    {"203.0.113.60", "198.51.100.10", 443, 50000, 0x1b, 1, 2},
    {"203.0.113.70", "192.0.2.200", 41000, 80, 0x02, 3, 1},
    {"198.51.100.20", "198.51.100.10", 42000, 80, 0x1b, 2, 2},
    {"198.51.100.10", "198.51.100.20", 80, 42000, 0x1b, 2, 2},
    {"203.0.113.80", "10.1.2.3", 43000, 25, 0x02, 1, 4},
    {"10.9.9.9", "198.51.100.10", 44000, 8080, 0x02, 1, 2},
};

std::vector<uint8_t> text(const std::string& s, size_t padded_to = 0) {
  std::vector<uint8_t> out(s.begin(), s.end());
  if (out.size() < padded_to) out.resize(padded_to, 0);
  return out;
}

}  // namespace

std::vector<std::vector<uint8_t>> interface_role_exports(bool v9) {
  constexpr uint16_t kOptions = 300;
  Bytes names;
  for (const auto& i : kInterfaces) {
    names.u32(i.index);
    if (v9) {
      names.raw(text(i.name, 16)).raw(text(i.description, 32));
    } else {
      names.varlen(text(i.name)).varlen(text(i.description));
    }
  }
  const uint16_t name_length = v9 ? 16 : 0xffff, description_length = v9 ? 32 : 0xffff;
  // v9: the scope is Interface (scope type 2); IPFIX: ingressInterface (IE 10).
  const uint16_t scope_id = v9 ? 2 : 10;
  // v9 headers count templates and records alike.
  auto options = TemplatedPacket(!v9).sequence(0).export_time(kExportSecs).count(1 + 3);
  options.options_template_set(kOptions, 1,
                               {{scope_id, 4}, {82, name_length}, {83, description_length}})
      .data_set(kOptions, names);
  return {options.build(), interface_role_flows(v9, kExportSecs + 1, v9 ? 1 : 3)};
}

std::vector<uint8_t> interface_role_flows(bool v9, uint32_t export_secs, uint32_t sequence) {
  constexpr uint16_t kFlowTemplate = 256;
  Bytes flows;
  const uint64_t start_ms = uint64_t{export_secs} * 1000 - 6000;
  for (const auto& f : kFlows) {
    flows.ipv4(f.src).ipv4(f.dst).u16(f.sport).u16(f.dport).u8(6).u8(f.flags).u32(f.in_if)
        .u32(f.out_if).u32(f.flags == 0x02 ? 1 : 8).u32(f.flags == 0x02 ? 60 : 900)
        .u64(start_ms).u64(start_ms + 200);
  }
  auto data = TemplatedPacket(!v9).sequence(sequence).export_time(export_secs).count(1 + 8);
  data.template_set(kFlowTemplate, {{8, 4}, {12, 4}, {7, 2}, {11, 2}, {4, 1}, {6, 1}, {10, 4},
                                    {14, 4}, {2, 4}, {1, 4}, {152, 8}, {153, 8}})
      .data_set(kFlowTemplate, flows);
  return data.build();
}

void write_interface_role_capture(const std::filesystem::path& path, bool v9) {
  PcapWriter out(path);
  int64_t ms = int64_t{kExportSecs} * 1000;
  for (const auto& payload : interface_role_exports(v9)) {
    out.write(udp_frame("192.0.2.1", "192.0.2.9", 50000, 4739, payload), ms);
    ms += 1000;
  }
}

}  // namespace synwatch::testing
