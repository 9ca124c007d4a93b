// synwatch-send-exports: the sender of the peer benchmark (perf/peers/run.sh). Replays the
// UDP payloads of an export capture to a collector over loopback at a fixed packet rate,
// looping the capture, each capture exporter sent from an address of its own in 127/8
// (127.1.x.y), so that every collector sees as many exporters as the capture holds.
//
//   synwatch-send-exports --pcap v9.pcap --to 127.0.0.1:2055 --rate 100000 --packets 500000
//
// One UDP socket sends them all: the source address of each datagram is chosen with an
// IP_PKTINFO control message, so sendmmsg batches across exporters. The rate is kept by
// a schedule (packet i leaves at start + i/rate), not by sleeps between batches, so the
// offered rate does not drift; what the sender achieved is printed and the harness marks
// a step the sender could not keep up with.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "dataplane/common/command_line.h"
#include "perf/ipv4_endpoint.h"

namespace {

const char kUsage[] =
    "usage: synwatch-send-exports --pcap FILE --to ADDRESS:PORT --rate PPS --packets N\n"
    "  --pcap FILE     export capture (Ethernet, IPv4, UDP), e.g. from synwatch-make-exports\n"
    "  --to A:P        the collector's IPv4 address and UDP port\n"
    "  --rate PPS      datagrams per second (0: as fast as possible)\n"
    "  --packets N     datagrams to send, looping the capture\n";

struct Datagram {
  uint32_t exporter;  // index of the source address
  std::vector<uint8_t> payload;
};

// The UDP payloads of an Ethernet/IPv4 capture, in order; exporters numbered by first
// appearance. Anything else in the capture is skipped.
bool load(const std::string& path, std::vector<Datagram>& out, uint32_t& exporters,
          std::string& error) {
  char errbuf[PCAP_ERRBUF_SIZE];
  pcap_t* p = pcap_open_offline(path.c_str(), errbuf);
  if (p == nullptr) {
    error = errbuf;
    return false;
  }
  std::map<uint32_t, uint32_t> index;
  pcap_pkthdr* h;
  const u_char* data;
  while (pcap_next_ex(p, &h, &data) == 1) {
    const uint32_t len = h->caplen;
    if (len < 14 + 20 + 8 || data[12] != 0x08 || data[13] != 0x00) continue;
    const u_char* ip = data + 14;
    const uint32_t ihl = (ip[0] & 15u) * 4;
    if ((ip[0] >> 4) != 4 || ip[9] != 17 || 14 + ihl + 8 > len) continue;
    const u_char* udp = ip + ihl;
    const uint32_t udp_len = static_cast<uint32_t>(udp[4] << 8 | udp[5]);
    if (udp_len < 8 || 14 + ihl + udp_len > len) continue;
    uint32_t source;
    std::memcpy(&source, ip + 12, 4);
    const auto [it, added] = index.emplace(source, static_cast<uint32_t>(index.size()));
    out.push_back({it->second, std::vector<uint8_t>(udp + 8, udp + udp_len)});
  }
  pcap_close(p);
  exporters = static_cast<uint32_t>(index.size());
  if (out.empty()) error = "no IPv4 UDP datagrams in the capture";
  return !out.empty();
}

double now_s() {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

}  // namespace

int main(int argc, char** argv) {
  synwatch::CommandLine line(argc, argv);
  std::string pcap_path, to;
  uint64_t rate = 0, packets = 0;
  auto fail = [](const std::string& m) {
    std::fprintf(stderr, "synwatch-send-exports: %s\n%s", m.c_str(), kUsage);
    return 2;
  };
  while (line.next()) {
    std::string_view v;
    uint32_t n;
    if (line.option("--pcap", v)) pcap_path = v;
    else if (line.option("--to", v)) to = v;
    else if (line.option("--rate", v)) {
      if (!synwatch::parse_u32(v, n)) return fail("--rate: '" + std::string(v) + "' is not a number");
      rate = n;
    } else if (line.option("--packets", v)) {
      if (!synwatch::parse_u32(v, n) || n == 0) return fail("--packets: '" + std::string(v) + "' is not a count");
      packets = n;
    } else {
      return fail(std::string(line.arg()) + ": unknown option");
    }
  }
  if (pcap_path.empty()) return fail("--pcap: missing");
  if (packets == 0) return fail("--packets: missing");
  sockaddr_in dest;
  if (!synwatch::perf::parse_ipv4_endpoint(to, dest)) return fail("--to: '" + to + "' is not an IPv4 ADDRESS:PORT");

  std::vector<Datagram> capture;
  uint32_t exporters = 0;
  std::string error;
  if (!load(pcap_path, capture, exporters, error)) return fail(pcap_path + ": " + error);
  if (exporters > 65000) return fail(pcap_path + ": more than 65000 exporters");

  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return fail(std::string("socket: ") + std::strerror(errno));
  int sndbuf = 8 << 20;
  setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);

  constexpr unsigned kBatch = 64;
  mmsghdr messages[kBatch];
  iovec iov[kBatch];
  alignas(cmsghdr) uint8_t control[kBatch][CMSG_SPACE(sizeof(in_pktinfo))];
  auto source_of = [](uint32_t exporter) {  // 127.1.0.1 and up
    return htonl(0x7f010001u + exporter);
  };

  const double start = now_s();
  uint64_t sent = 0, errors = 0;
  size_t next = 0;
  while (sent < packets) {
    uint64_t due = packets;
    if (rate != 0) {
      due = static_cast<uint64_t>((now_s() - start) * static_cast<double>(rate)) + 1;
      if (due > packets) due = packets;
      if (due <= sent) {  // ahead of the schedule: wait for the next datagram's time
        const double wait = static_cast<double>(sent + 1) / static_cast<double>(rate) - (now_s() - start);
        if (wait > 50e-6) usleep(static_cast<useconds_t>(wait * 1e6 * 0.8));
        continue;
      }
    }
    const unsigned batch = static_cast<unsigned>(due - sent < kBatch ? due - sent : kBatch);
    for (unsigned i = 0; i < batch; ++i) {
      Datagram& d = capture[next];
      next = next + 1 == capture.size() ? 0 : next + 1;
      iov[i] = {d.payload.data(), d.payload.size()};
      msghdr& h = messages[i].msg_hdr;
      h = {};
      h.msg_name = &dest;
      h.msg_namelen = sizeof dest;
      h.msg_iov = &iov[i];
      h.msg_iovlen = 1;
      h.msg_control = control[i];
      h.msg_controllen = sizeof control[i];
      cmsghdr* c = CMSG_FIRSTHDR(&h);
      c->cmsg_level = IPPROTO_IP;
      c->cmsg_type = IP_PKTINFO;
      c->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
      in_pktinfo info{};
      info.ipi_spec_dst.s_addr = source_of(d.exporter);
      std::memcpy(CMSG_DATA(c), &info, sizeof info);
    }
    const int n = sendmmsg(fd, messages, batch, 0);
    if (n <= 0) {
      if (++errors > 1000) return fail(std::string("sendmmsg: ") + std::strerror(errno));
      continue;
    }
    sent += static_cast<uint64_t>(n);
  }
  const double seconds = now_s() - start;
  std::printf("sent %llu datagrams in %.3f s (%.0f/s) from %u exporters\n",
              static_cast<unsigned long long>(sent), seconds, static_cast<double>(sent) / seconds,
              exporters);
  close(fd);
  return 0;
}
