#include "control/sinks/syslog_sender.h"

#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>

namespace synwatch::sinks {
namespace {

constexpr auto kRetryEvery = std::chrono::seconds(1);
constexpr int kTimeoutMs = 1000;

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string this_host() {
  char name[256] = {};
  if (gethostname(name, sizeof name - 1) != 0) return {};
  std::string s(name);
  for (char c : s)
    if (c < 33 || c > 126) return {};
  return s;
}

}  // namespace

SyslogSender::SyslogSender(const daemon::SyslogConfig& config, std::FILE* warnings)
    : config_(config), warnings_(warnings) {
  identity_.facility = config.facility;
  identity_.hostname = config.hostname.empty() ? this_host() : config.hostname;
  identity_.app_name = config.app_name;
  identity_.procid = static_cast<uint32_t>(getpid());
}

SyslogSender::~SyslogSender() {
  if (fd_ >= 0) ::close(fd_);
}

bool SyslogSender::open(std::string& error) {
  const std::string& text = config_.address;
  const size_t colon = text.rfind(':');
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = config_.transport == daemon::SyslogConfig::Transport::kTcp ? SOCK_STREAM : SOCK_DGRAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(host.c_str(), text.substr(colon + 1).c_str(), &hints, &found);
  if (rc != 0 || found == nullptr) {
    error = "output.syslog.address: cannot resolve '" + host + "': " + gai_strerror(rc);
    return false;
  }
  std::memcpy(&address_, found->ai_addr, found->ai_addrlen);
  address_size_ = found->ai_addrlen;
  freeaddrinfo(found);
  return true;
}

bool SyslogSender::connect_now() {
  const bool tcp = config_.transport == daemon::SyslogConfig::Transport::kTcp;
  fd_ = socket(address_.ss_family, (tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) return false;
  int rc = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address_), address_size_);
  if (rc != 0 && errno == EINPROGRESS) {
    pollfd p{fd_, POLLOUT, 0};
    int err = ETIMEDOUT;
    socklen_t len = sizeof err;
    if (poll(&p, 1, kTimeoutMs) == 1) getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    rc = err == 0 ? 0 : -1;
    errno = err;
  }
  if (rc != 0) {
    const int err = errno;
    ::close(fd_);
    errno = err;
    fd_ = -1;
    return false;
  }
  return true;
}

void SyslogSender::went_away(const char* why) {
  if (!lost_ && warnings_ != nullptr)
    std::fprintf(warnings_, "synwatchd: warning: syslog collector %s: %s; alerts to it are dropped and counted "
                            "until it is back\n", config_.address.c_str(), why);
  lost_ = true;
}

void SyslogSender::disconnect(const char* why) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  next_attempt_ = std::chrono::steady_clock::now() + kRetryEvery;
  went_away(why);
}

bool SyslogSender::send_all(const std::string& bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      pollfd p{fd_, POLLOUT, 0};
      if (poll(&p, 1, kTimeoutMs) == 1) continue;
      errno = ETIMEDOUT;
    }
    return false;
  }
  return true;
}

bool SyslogSender::deliver(const detect::Alert& alert) {
  if (fd_ < 0) {
    if (std::chrono::steady_clock::now() < next_attempt_) return false;
    if (!connect_now()) {
      disconnect(std::strerror(errno));
      return false;
    }
  }
  std::string message = syslog_message(alert, identity_, wall_ms());
  if (config_.transport == daemon::SyslogConfig::Transport::kTcp)
    message = std::to_string(message.size()) + " " + message;
  if (!send_all(message)) {
    // A UDP collector that is not listening shows as ECONNREFUSED on the next send;
    // the datagram socket itself is still good, so only a TCP stream is torn down.
    if (config_.transport == daemon::SyslogConfig::Transport::kTcp) disconnect(std::strerror(errno));
    else went_away(std::strerror(errno));
    return false;
  }
  if (lost_ && warnings_ != nullptr)
    std::fprintf(warnings_, "synwatchd: syslog collector %s is back\n", config_.address.c_str());
  lost_ = false;
  return true;
}

void SyslogSender::reopen() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  next_attempt_ = {};
}

}  // namespace synwatch::sinks
