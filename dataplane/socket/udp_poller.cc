#include "dataplane/socket/udp_poller.h"

#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <thread>

#include "dataplane/common/wall_clock.h"

namespace synwatch::socket_input {

struct UdpPoller::Buffers {
  mmsghdr messages[kBatch];
  iovec iov[kBatch];
  sockaddr_storage from[kBatch];
  uint8_t data[kBatch][kMaxDatagram];
};

namespace {

// The datagrams the kernel has dropped on socket `fd` since it was made.
bool kernel_drops_of(int fd, uint32_t& total) {
  uint32_t meminfo[SK_MEMINFO_VARS] = {};
  socklen_t size = sizeof meminfo;
  if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, meminfo, &size) != 0 || size <= SK_MEMINFO_DROPS * sizeof(uint32_t))
    return false;
  total = meminfo[SK_MEMINFO_DROPS];
  return true;
}

}  // namespace

UdpPoller::UdpPoller(const std::vector<int>& fds, std::chrono::milliseconds idle_wait)
    : kernel_drops_(fds.size(), 0),
      waiting_(fds.size()),
      idle_wait_ms_(static_cast<int>(idle_wait.count())),
      buffers_(std::make_unique<Buffers>()),
      next_tick_(std::chrono::steady_clock::now()) {
  int smallest = kLongNapBuffer;
  for (size_t i = 0; i < fds.size(); ++i) {
    waiting_[i] = {fds[i], POLLIN, 0};
    int bytes = 0;
    socklen_t size = sizeof bytes;
    if (getsockopt(fds[i], SOL_SOCKET, SO_RCVBUF, &bytes, &size) != 0) bytes = 0;
    smallest = std::min(smallest, bytes);
  }
  nap_ = smallest >= kLongNapBuffer ? kLongNap : kShortNap;
}

UdpPoller::~UdpPoller() = default;

namespace {

wire::IpAddress source_of(const sockaddr_storage& ss) {
  if (ss.ss_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&ss);
    return wire::IpAddress::v4_bytes(reinterpret_cast<const uint8_t*>(&sin->sin_addr));
  }
  const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&ss);
  const auto* bytes = reinterpret_cast<const uint8_t*>(&sin6->sin6_addr);
  // A dual-stack socket reports IPv4 exporters as ::ffff:a.b.c.d; they are IPv4.
  if (IN6_IS_ADDR_V4MAPPED(&sin6->sin6_addr)) return wire::IpAddress::v4_bytes(bytes + 12);
  return wire::IpAddress::v6_bytes(bytes);
}

}  // namespace

uint32_t UdpPoller::poll(pipeline::Worker& worker) {
  if (readable_ == 0) wait_for_data();
  uint32_t delivered = 0;
  for (size_t s = 0; s < waiting_.size(); ++s) {
    if ((waiting_[s].revents & POLLIN) == 0) continue;
    const uint32_t n = receive(s, worker);
    delivered += n;
    if (n < kBatch) {  // drained (or an error): not read again before the next wait
      waiting_[s].revents = 0;
      --readable_;
    }
  }
  delivered_since_wait_ |= delivered > 0;
  if (const auto now = std::chrono::steady_clock::now(); now >= next_tick_) {
    next_tick_ = now + std::chrono::milliseconds(pipeline::Worker::kTickMs);
    count_kernel_drops();
    worker.tick(wall_clock_ms());
  }
  return delivered;
}

uint32_t UdpPoller::receive(size_t s, pipeline::Worker& worker) {
  Buffers& b = *buffers_;
  for (unsigned i = 0; i < kBatch; ++i) {
    b.iov[i] = {b.data[i], kMaxDatagram};
    msghdr& h = b.messages[i].msg_hdr;
    h = {};
    h.msg_name = &b.from[i];
    h.msg_namelen = sizeof b.from[i];
    h.msg_iov = &b.iov[i];
    h.msg_iovlen = 1;
  }
  const int n = recvmmsg(waiting_[s].fd, b.messages, kBatch, MSG_DONTWAIT, nullptr);
  if (n < 0) {
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
      counters_.add(wire::InputCounter::receive_error);
    return 0;
  }
  counters_.add(wire::InputCounter::frames_received, static_cast<uint64_t>(n));
  const int64_t now_ms = wall_clock_ms();
  for (int i = 0; i < n; ++i) {
    const msghdr& h = b.messages[i].msg_hdr;
    if (h.msg_flags & MSG_TRUNC) {
      counters_.add(wire::InputCounter::datagram_truncated);
      continue;
    }
    const decode::ExportContext ctx{source_of(b.from[i]), now_ms};
    worker.on_datagram(ctx, b.data[i], b.messages[i].msg_len);
  }
  // Truncated datagrams count too: a full batch says the socket may hold more.
  return static_cast<uint32_t>(n);
}

void UdpPoller::wait_for_data() {
  if (delivered_since_wait_) std::this_thread::sleep_for(nap_);
  delivered_since_wait_ = false;
  for (auto& p : waiting_) p.revents = 0;
  const int ready = ::poll(waiting_.data(), waiting_.size(), idle_wait_ms_);
  readable_ = 0;
  found_nothing_ = ready <= 0;
  if (ready <= 0) return;
  for (auto& p : waiting_) {
    // An error or hang-up on a socket is read as data: recvmmsg reports and counts it.
    if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) p.revents |= POLLIN;
    if (p.revents & POLLIN) ++readable_;
  }
}

bool UdpPoller::drained_after_stop() {
  const auto now = std::chrono::steady_clock::now();
  if (!stopping_) {  // an idle wait before the request says nothing of what came since
    stopping_ = true;
    found_nothing_ = false;
    drain_deadline_ = now + kShutdownDrain;
  }
  if ((readable_ == 0 && found_nothing_) || now >= drain_deadline_) {
    count_kernel_drops();  // the last word, before the worker's final stats
    return true;
  }
  return false;
}

// The kernel's count of what each socket dropped (sk_drops: a full receive buffer), read
// once a tick. SO_RXQ_OVFL attaches the same count to every datagram as a control
// message: 6% of synwatchd's CPU samples on one-record packets (perf/RESULTS.md).
void UdpPoller::count_kernel_drops() {
  for (size_t s = 0; s < waiting_.size(); ++s) {
    uint32_t total;
    if (!kernel_drops_of(waiting_[s].fd, total)) continue;
    counters_.add(wire::InputCounter::socket_buffer_overflow, total - kernel_drops_[s]);
    kernel_drops_[s] = total;
  }
}

}  // namespace synwatch::socket_input
