#include "dataplane/socket/udp_sockets.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "dataplane/wire/ip_address.h"

namespace synwatch::socket_input {
namespace {

constexpr uint32_t kHashMultiplier = 2654435761u;  // Knuth's multiplicative hash

// Exporter address -> worker: fold the source address to 32 bits (IPv6: XOR of its
// four words), multiply, keep the high half, modulo the worker count. Run by the
// kernel for every datagram (SO_ATTACH_REUSEPORT_CBPF); the return value indexes the
// reuseport group in bind order, which is worker order.
std::vector<sock_filter> steering_program(uint32_t workers) {
  const uint32_t net = static_cast<uint32_t>(SKF_NET_OFF);
  return {
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, net + 0),          // version and IHL
      BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 4),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 6, 2, 0),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, net + 12),         // IPv4 source
      BPF_JUMP(BPF_JMP | BPF_JA, 10, 0, 0),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, net + 8),          // IPv6 source, word by word
      BPF_STMT(BPF_MISC | BPF_TAX, 0),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, net + 12),
      BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
      BPF_STMT(BPF_MISC | BPF_TAX, 0),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, net + 16),
      BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
      BPF_STMT(BPF_MISC | BPF_TAX, 0),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, net + 20),
      BPF_STMT(BPF_ALU | BPF_XOR | BPF_X, 0),
      BPF_STMT(BPF_ALU | BPF_MUL | BPF_K, kHashMultiplier),  // hash
      BPF_STMT(BPF_ALU | BPF_RSH | BPF_K, 16),
      BPF_STMT(BPF_ALU | BPF_MOD | BPF_K, workers),
      BPF_STMT(BPF_RET | BPF_A, 0),
  };
}

std::string errno_text() { return std::strerror(errno); }

bool ipv6_available() {
  const int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

}  // namespace

uint32_t steering_worker(const uint8_t* a, size_t length, uint32_t workers) {
  auto word = [&](size_t i) {
    return uint32_t{a[i]} << 24 | uint32_t{a[i + 1]} << 16 | uint32_t{a[i + 2]} << 8 | a[i + 3];
  };
  uint32_t folded = length == 4 ? word(0) : word(0) ^ word(4) ^ word(8) ^ word(12);
  return ((folded * kHashMultiplier) >> 16) % workers;
}

std::unique_ptr<UdpSockets> UdpSockets::open(const daemon::DataplaneConfig& config,
                                             std::string& error,
                                             std::vector<std::string>& warnings) {
  std::unique_ptr<UdpSockets> s(new UdpSockets());
  const uint32_t workers = config.workers();
  s->fds_.resize(workers);
  bool steered = true;
  uint32_t small_buffer_kb = 0;  // what the kernel granted, when less than asked
  std::string where;
  for (size_t a = 0; a < config.udp_listen.size(); ++a) {
    wire::IpAddress address;
    const std::string field = "dataplane.udp_listen[" + std::to_string(a) + "]";
    std::string listen = config.udp_listen[a];
    if (!wire::IpAddress::parse(listen, address)) {
      error = field + ": '" + listen + "' is not an IPv4 or IPv6 address";
      return nullptr;
    }
    // A host with IPv6 disabled cannot open the dual-stack "::": IPv4 only, said so.
    if (listen == "::" && !ipv6_available()) {
      warnings.push_back("IPv6 is not available on this host; listening on 0.0.0.0 instead of ::");
      listen = "0.0.0.0";
      wire::IpAddress::parse(listen, address);
    }
    const bool v4 = address.is_v4();
    for (uint32_t port : config.udp_ports) {
      sockaddr_storage ss{};
      socklen_t len;
      if (v4) {
        auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
        sin->sin_family = AF_INET;
        sin->sin_port = htons(static_cast<uint16_t>(port));
        std::memcpy(&sin->sin_addr, address.bytes().data() + 12, 4);
        len = sizeof *sin;
      } else {
        auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
        sin6->sin6_family = AF_INET6;
        sin6->sin6_port = htons(static_cast<uint16_t>(port));
        std::memcpy(&sin6->sin6_addr, address.bytes().data(), 16);
        len = sizeof *sin6;
      }
      const std::string endpoint =
          (v4 ? listen : "[" + listen + "]") + ":" + std::to_string(port);
      for (uint32_t w = 0; w < workers; ++w) {
        const int fd = ::socket(v4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
          error = field + ": cannot open a socket for " + endpoint + ": " + errno_text();
          return nullptr;
        }
        s->fds_[w].push_back(fd);
        const int one = 1, zero = 0;
        setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        if (!v4) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
        const int bytes = static_cast<int>(config.udp_receive_buffer_kb) * 1024;
        // CAP_NET_ADMIN may exceed net.core.rmem_max; without it the sysctl caps the size.
        if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bytes, sizeof bytes) != 0) {
          setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes);
          int granted = 0;  // the kernel reports twice what it books for data
          socklen_t granted_len = sizeof granted;
          getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &granted, &granted_len);
          small_buffer_kb = static_cast<uint32_t>(granted / 2 / 1024);
        }
        if (::bind(fd, reinterpret_cast<sockaddr*>(&ss), len) != 0) {
          error = "dataplane.udp_ports: cannot listen on " + endpoint + ": " + errno_text();
          return nullptr;
        }
      }
      if (workers > 1) {
        auto program = steering_program(workers);
        sock_fprog prog{static_cast<unsigned short>(program.size()), program.data()};
        if (setsockopt(s->fds_[0].back(), SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &prog, sizeof prog) != 0)
          steered = false;
      }
      where += (where.empty() ? "" : ", ") + endpoint;
    }
  }
  if (!steered)
    warnings.push_back("the kernel refused the reuseport steering program (" + errno_text() +
                       "); datagrams are spread by the kernel's own hash of address and port");
  if (small_buffer_kb > 0 && small_buffer_kb < config.udp_receive_buffer_kb)
    warnings.push_back("socket receive buffers are " + std::to_string(small_buffer_kb) +
                       " KiB, not the " + std::to_string(config.udp_receive_buffer_kb) +
                       " KiB of dataplane.udp_receive_buffer_kb: past net.core.rmem_max they need "
                       "CAP_NET_ADMIN (or raise it: sysctl -w net.core.rmem_max=" +
                       std::to_string(uint64_t{config.udp_receive_buffer_kb} * 1024) + ")");
  s->description_ = "udp " + where + (workers > 1 && steered ? " (steered to workers by exporter address)" : "");
  return s;
}

UdpSockets::~UdpSockets() {
  for (auto& list : fds_)
    for (int fd : list) ::close(fd);
}

}  // namespace synwatch::socket_input
