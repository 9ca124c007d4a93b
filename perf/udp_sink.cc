// synwatch-udp-sink: the kernel floor of the peer benchmark (perf/peers/run.sh). Takes
// datagrams from a UDP socket the cheapest way we know (recvmmsg in batches of 64; a 2 ms
// nap once the socket is drained, a blocking call when it is empty) and does nothing
// with them but count.
//
// No collector on kernel sockets can take a datagram for less CPU than this, so its
// records per CPU-second bound what any of them can reach, and that bound divided by a
// peer's figure is the highest ratio to that peer a kernel-socket collector can show.
//
//   synwatch-udp-sink --listen 127.0.0.1:2055
//
// Runs until SIGINT or SIGTERM, then prints "datagrams N bytes B" on standard output.
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>

#include "dataplane/common/command_line.h"
#include "perf/ipv4_endpoint.h"

namespace {

const char kUsage[] =
    "usage: synwatch-udp-sink --listen ADDRESS:PORT\n"
    "  --listen A:P    IPv4 address and UDP port to take datagrams on\n";

volatile sig_atomic_t stop = 0;
void on_signal(int) { stop = 1; }

}  // namespace

int main(int argc, char** argv) {
  synwatch::CommandLine line(argc, argv);
  std::string listen;
  auto fail = [](const std::string& m) {
    std::fprintf(stderr, "synwatch-udp-sink: %s\n%s", m.c_str(), kUsage);
    return 2;
  };
  if (const std::string m = line.missing_value({"--listen"}); !m.empty()) return fail(m);
  while (line.next()) {
    std::string_view v;
    if (line.option("--listen", v)) listen = v;
    else return fail(std::string(line.arg()) + ": unknown option");
  }
  sockaddr_in at;
  if (!synwatch::perf::parse_ipv4_endpoint(listen, at))
    return fail("--listen: '" + listen + "' is not an IPv4 ADDRESS:PORT");

  const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&at), sizeof at) != 0) {
    std::fprintf(stderr, "synwatch-udp-sink: cannot bind %s: %s\n", listen.c_str(), std::strerror(errno));
    return 1;
  }
  // No SA_RESTART: the signal ends a blocked recvmmsg with EINTR.
  struct sigaction sa{};
  sa.sa_handler = on_signal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  constexpr unsigned kBatch = 64;
  constexpr size_t kMaxDatagram = 65536;
  static uint8_t buffers[kBatch][kMaxDatagram];
  iovec iov[kBatch];
  mmsghdr messages[kBatch];
  for (unsigned i = 0; i < kBatch; ++i) {  // recvmmsg writes only msg_len and msg_flags
    iov[i] = {buffers[i], kMaxDatagram};
    messages[i] = {};
    messages[i].msg_hdr.msg_iov = &iov[i];
    messages[i].msg_hdr.msg_iovlen = 1;
  }
  uint64_t datagrams = 0, bytes = 0;
  while (!stop) {
    // MSG_WAITFORONE: block for the first datagram, then take what is queued.
    const int n = recvmmsg(fd, messages, kBatch, MSG_WAITFORONE, nullptr);
    if (n < 0) {
      if (errno == EINTR) continue;
      std::fprintf(stderr, "synwatch-udp-sink: recvmmsg: %s\n", std::strerror(errno));
      return 1;
    }
    datagrams += static_cast<uint64_t>(n);
    for (int i = 0; i < n; ++i) bytes += messages[i].msg_len;
    // A short batch: the socket is drained. Napping lets the next call find a full
    // batch rather than wake for every datagram (synwatchd's UdpPoller does the same).
    if (n < static_cast<int>(kBatch)) usleep(2000);
  }
  std::printf("datagrams %llu bytes %llu\n", static_cast<unsigned long long>(datagrams),
              static_cast<unsigned long long>(bytes));
  return 0;
}
