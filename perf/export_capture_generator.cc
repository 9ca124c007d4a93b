// synwatch-make-exports: writes export captures for the end-to-end benchmarks: NetFlow
// v5, v9, IPFIX or sFlow from many exporters, carrying a realistic mix of TCP sessions
// (both directions of established ones, refused, unanswered and reset attempts) and
// some UDP, in flow time. With --split K the exporters are dealt over K files, as RSS
// deals them over K queues (one net_pcap rx_pcap per queue).
//
//   synwatch-make-exports --format v9 --records 2000000 --exporters 64 -o v9.pcap
//   synwatch-make-exports --format ipfix --ipv6 -o ipfix6.pcap        IPv6 flows
//   synwatch-make-exports --format v5 --per-packet 1 -o v5-1.pcap     one record a packet
#include <pcap/pcap.h>

#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "dataplane/common/command_line.h"
#include "tests/support/export_builder.h"

namespace {

using synwatch::testing::Bytes;

const char kUsage[] =
    "usage: synwatch-make-exports --format v5|v9|ipfix|sflow [options] -o FILE\n"
    "  --records N          flow records (sFlow: samples) to write (default 1000000)\n"
    "  --exporters N        exporters, 10.255.0.1 and up (default 64)\n"
    "  --failed-percent P   share of TCP sessions that fail (default 30)\n"
    "  --per-packet N       records (sFlow: samples) per packet (default v5 30, v9 and\n"
    "                       IPFIX 24, sFlow 6)\n"
    "  --ipv6               IPv6 flows (v9 and IPFIX): 2001:db8::/32 addresses\n"
    "  --split K            write K files FILE.0 .. FILE.K-1, exporters dealt round-robin\n"
    "  --seed S             random seed (default 1)\n";

// One direction of a session, as a flow record.
struct Flow {
  uint32_t src, dst;
  uint16_t sport, dport;
  uint8_t proto, flags;
  uint32_t packets, bytes;
  uint32_t first_ms, last_ms;  // relative to the exporter's boot
};

// The next session's records (one or two), drawn from the configured mix.
class SessionMix {
 public:
  SessionMix(uint32_t failed_percent, uint32_t seed) : failed_(failed_percent), engine_(seed) {}
  void next(uint32_t now_ms, std::vector<Flow>& out) {
    const uint32_t client = 0x0a000000 | (rng_() & 0xffff);          // 10.0.x.y
    const uint32_t server = 0xc6336400 | (rng_() % 200);            // 198.51.100.z
    const auto sport = static_cast<uint16_t>(1024 + rng_() % 60000);
    static const uint16_t services[] = {443, 80, 22, 25, 3389, 8080, 53};
    const uint16_t dport = services[rng_() % 7];
    const uint32_t roll = rng_() % 100;
    const uint32_t start = now_ms - 2000;
    if (roll < 5) {  // UDP request and response
      out.push_back({client, server, sport, 53, 17, 0, 1, 80, start, start});
      out.push_back({server, client, 53, sport, 17, 0, 1, 200, start, start});
    } else if (roll < 5 + failed_) {
      switch (rng_() % 3) {
        case 0:  // unanswered: SYN and retransmissions
          out.push_back({client, server, sport, dport, 6, 0x02, 3, 180, start, start + 3000});
          break;
        case 1:  // refused: SYN answered by RST/ACK
          out.push_back({client, server, sport, dport, 6, 0x02, 1, 60, start, start});
          out.push_back({server, client, dport, sport, 6, 0x14, 1, 40, start, start});
          break;
        default:  // reset by the server after the handshake
          out.push_back({client, server, sport, dport, 6, 0x1a, 4, 400, start, start + 50});
          out.push_back({server, client, dport, sport, 6, 0x16, 3, 180, start, start + 50});
      }
    } else {  // established and closed
      out.push_back({client, server, sport, dport, 6, 0x1b, 12, 1400, start, start + 900});
      out.push_back({server, client, dport, sport, 6, 0x1b, 10, 9000, start, start + 900});
    }
  }

 private:
  uint32_t failed_;
  std::mt19937 engine_;
  uint32_t rng_() { return static_cast<uint32_t>(engine_()); }
};

struct Exporter {
  uint32_t address;
  uint32_t sequence = 0;
  uint32_t packets = 0;
  std::vector<Flow> backlog;
};

std::string dotted(uint32_t a) {
  return std::to_string(a >> 24) + "." + std::to_string(a >> 16 & 255) + "." +
         std::to_string(a >> 8 & 255) + "." + std::to_string(a & 255);
}

constexpr uint32_t kBootSecs = 1700000000;  // exporters booted then; uptime counts from it

std::vector<uint8_t> v5_packet(Exporter& e, const std::vector<Flow>& flows, uint32_t uptime) {
  synwatch::testing::V5Packet p;
  p.sys_uptime(uptime).unix_time(kBootSecs + uptime / 1000, uptime % 1000 * 1000000).sequence(e.sequence);
  for (const auto& f : flows) {
    synwatch::testing::V5Flow v;
    v.src = dotted(f.src);
    v.dst = dotted(f.dst);
    v.sport = f.sport;
    v.dport = f.dport;
    v.proto = f.proto;
    v.tcp_flags = f.flags;
    v.packets = f.packets;
    v.bytes = f.bytes;
    v.first = f.first_ms;
    v.last = f.last_ms;
    p.flow(v);
  }
  e.sequence += static_cast<uint32_t>(flows.size());
  return p.build();
}

// An IPv4 flow address as IPv6: 2001:db8: and the IPv4 address in the low 32 bits.
Bytes& ipv6_of(Bytes& b, uint32_t v4) { return b.u32(0x20010db8).u32(0).u32(0).u32(v4); }

// The 19-field IPv4 router template of perf/decode_bench.cc, or its IPv6 twin (IPv6
// addresses, next hop and prefix lengths).
std::vector<uint8_t> templated_packet(Exporter& e, const std::vector<Flow>& flows, uint32_t uptime,
                                      bool ipfix, bool ipv6) {
  auto p = ipfix ? synwatch::testing::IpfixPacket() : synwatch::testing::V9Packet();
  p.export_time(kBootSecs + uptime / 1000).domain(1);
  if (!ipfix) p.sys_uptime(uptime);
  const bool with_template = e.packets % 32 == 0;  // resent as routers do
  if (with_template) {
    const uint16_t start = ipfix ? 152 : 22, end = ipfix ? 153 : 21, tl = ipfix ? 8 : 4;
    if (ipv6)
      p.template_set(256, {{27, 16}, {28, 16}, {62, 16}, {7, 2}, {11, 2}, {4, 1}, {6, 1}, {5, 1}, {10, 4},
                           {14, 4}, {2, 8}, {1, 8}, {start, tl}, {end, tl}, {16, 4}, {17, 4}, {29, 1},
                           {30, 1}, {61, 1}});
    else
      p.template_set(256, {{8, 4}, {12, 4}, {15, 4}, {7, 2}, {11, 2}, {4, 1}, {6, 1}, {5, 1}, {10, 4},
                           {14, 4}, {2, 8}, {1, 8}, {start, tl}, {end, tl}, {16, 4}, {17, 4}, {9, 1},
                           {13, 1}, {61, 1}});
  }
  Bytes data;
  for (const auto& f : flows) {
    if (ipv6) {
      ipv6_of(data, f.src);
      ipv6_of(data, f.dst);
      ipv6_of(data, 0xc0000201);
    } else {
      data.u32(f.src).u32(f.dst).u32(0xc0000201);
    }
    data.u16(f.sport).u16(f.dport).u8(f.proto).u8(f.flags).u8(0).u32(3).u32(5).u64(f.packets).u64(f.bytes);
    if (ipfix) data.u64(uint64_t{kBootSecs} * 1000 + f.first_ms).u64(uint64_t{kBootSecs} * 1000 + f.last_ms);
    else data.u32(f.first_ms).u32(f.last_ms);
    data.u32(64500).u32(64501).u8(ipv6 ? 64 : 24).u8(ipv6 ? 64 : 24).u8(0);
  }
  p.data_set(256, data);
  if (ipfix) {
    p.sequence(e.sequence);
    e.sequence += static_cast<uint32_t>(flows.size());
  } else {
    p.sequence(e.sequence++);
    p.count(static_cast<uint16_t>(flows.size() + (with_template ? 1 : 0)));
  }
  return p.build();
}

std::vector<uint8_t> sflow_datagram(Exporter& e, const std::vector<Flow>& flows, uint32_t uptime) {
  synwatch::testing::SflowDatagram d;
  d.agent(dotted(e.address)).sequence(++e.sequence);
  (void)uptime;
  for (const auto& f : flows) {
    auto frame = synwatch::testing::FrameBuilder()
                     .ipv4(dotted(f.src), dotted(f.dst), f.proto, 60)
                     .tcp(f.sport, f.dport, f.flags)
                     .build();
    d.flow_sample(synwatch::testing::SflowFlowSample().rate(1).raw_header(frame));
  }
  return d.build();
}

}  // namespace

int main(int argc, char** argv) {
  synwatch::CommandLine line(argc, argv);
  std::string format, output;
  uint32_t records = 1000000, exporters = 64, failed = 30, split = 1, seed = 1, per_packet = 0;
  bool ipv6 = false;
  auto fail = [](const std::string& m) {
    std::fprintf(stderr, "synwatch-make-exports: %s\n%s", m.c_str(), kUsage);
    return 2;
  };
  while (line.next()) {
    std::string_view v;
    auto number = [&](const char* name, uint32_t& out, uint32_t lo, uint32_t hi) {
      if (!line.option(name, v)) return false;
      if (!synwatch::parse_u32(v, out) || out < lo || out > hi)
        throw std::string(name) + ": '" + std::string(v) + "' is outside " + std::to_string(lo) +
            ".." + std::to_string(hi);
      return true;
    };
    try {
      if (line.option("--format", v)) format = v;
      else if (line.option("-o", v)) output = v;
      else if (number("--records", records, 1, 1u << 30)) {}
      else if (number("--exporters", exporters, 1, 60000)) {}
      else if (number("--failed-percent", failed, 0, 95)) {}
      else if (number("--split", split, 1, 64)) {}
      else if (number("--per-packet", per_packet, 1, 30)) {}
      else if (line.flag("--ipv6")) ipv6 = true;
      else if (number("--seed", seed, 0, ~0u)) {}
      else return fail(std::string(line.arg()) + ": unknown option");
    } catch (const std::string& m) {
      return fail(m);
    }
  }
  if (format != "v5" && format != "v9" && format != "ipfix" && format != "sflow")
    return fail("--format: expected v5, v9, ipfix or sflow");
  if (output.empty()) return fail("-o: missing");
  if (ipv6 && format != "v9" && format != "ipfix") return fail("--ipv6: only for v9 and ipfix");
  if (per_packet == 0) per_packet = format == "v5" ? 30 : format == "sflow" ? 6 : 24;
  const uint16_t port = format == "v5" || format == "v9" ? 2055 : format == "ipfix" ? 4739 : 6343;

  std::vector<pcap_dumper_t*> files;
  pcap_t* dead = pcap_open_dead(DLT_EN10MB, 65535);
  for (uint32_t k = 0; k < split; ++k) {
    const std::string path = split == 1 ? output : output + "." + std::to_string(k);
    files.push_back(pcap_dump_open(dead, path.c_str()));
    if (files.back() == nullptr) return fail("cannot write '" + path + "'");
  }
  std::vector<Exporter> ex(exporters);
  for (uint32_t i = 0; i < exporters; ++i) ex[i].address = 0x0aff0001 + i;  // 10.255.0.1 ...
  SessionMix mix(failed, seed);
  uint64_t written = 0, packets = 0;
  // Every exporter sends a packet each 20 ms of flow time: about 1,200 records/s each,
  // so a few million records span minutes and answer windows and idle timeouts pass.
  uint32_t uptime = 100000;
  for (uint32_t i = 0; written < records; i = (i + 1) % exporters) {
    if (i == 0) uptime += 20;
    Exporter& e = ex[i];
    while (e.backlog.size() < per_packet) mix.next(uptime, e.backlog);
    const std::vector<Flow> flows(e.backlog.begin(), e.backlog.begin() + static_cast<long>(per_packet));
    e.backlog.erase(e.backlog.begin(), e.backlog.begin() + static_cast<long>(per_packet));
    std::vector<uint8_t> payload = format == "v5"      ? v5_packet(e, flows, uptime)
                                   : format == "sflow" ? sflow_datagram(e, flows, uptime)
                                                       : templated_packet(e, flows, uptime, format == "ipfix", ipv6);
    ++e.packets;
    const auto frame = synwatch::testing::udp_frame(dotted(e.address), "10.254.0.1", 50000, port, payload);
    pcap_pkthdr h{};
    const uint64_t ms = uint64_t{kBootSecs} * 1000 + uptime;
    h.ts.tv_sec = static_cast<time_t>(ms / 1000);
    h.ts.tv_usec = static_cast<suseconds_t>(ms % 1000 * 1000);
    h.caplen = h.len = static_cast<bpf_u_int32>(frame.size());
    pcap_dump(reinterpret_cast<u_char*>(files[i % split]), &h, frame.data());
    written += per_packet;
    ++packets;
  }
  for (auto* f : files) pcap_dump_close(f);
  pcap_close(dead);
  std::fprintf(stderr, "synwatch-make-exports: %s: %llu %s in %llu packets from %u exporters%s\n",
               output.c_str(), static_cast<unsigned long long>(written),
               format == "sflow" ? "samples" : "records", static_cast<unsigned long long>(packets),
               exporters, split > 1 ? (" over " + std::to_string(split) + " files").c_str() : "");
  return 0;
}
