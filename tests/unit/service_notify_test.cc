// sd_notify(3) as systemd receives it: one datagram on the socket $NOTIFY_SOCKET names,
// a path or an abstract name ("@..."); nothing, and false, when not under systemd.
#include "dataplane/daemon/service_notify.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

namespace synwatch::daemon {
namespace {

// A datagram socket bound where systemd would listen; `name` starting with '@' is abstract.
class NotifyListener {
 public:
  explicit NotifyListener(const std::string& name) : name_(name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, name.data(), name.size());
    if (name[0] == '@')
      a.sun_path[0] = '\0';
    else
      ::unlink(name.c_str());
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&a),
                    static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size())) == 0;
    timeval wait{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
  }
  ~NotifyListener() {
    ::close(fd_);
    if (name_[0] != '@') ::unlink(name_.c_str());
  }
  bool bound() const { return bound_; }
  std::string receive() {
    char buffer[512];
    const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
  }

 private:
  std::string name_;
  int fd_ = -1;
  bool bound_ = false;
};

// What systemd listening on `name` receives when the daemon sends `state`.
std::string received_at(const std::string& name, const std::string& state) {
  NotifyListener systemd(name);
  EXPECT_TRUE(systemd.bound()) << name;
  ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  EXPECT_TRUE(notify_service(state));
  ::unsetenv("NOTIFY_SOCKET");
  return systemd.receive();
}

TEST(ServiceNotify, SendsTheStateToThePathSystemdNames) {
  EXPECT_EQ(
      received_at("/tmp/synwatch-notify-" + std::to_string(getpid()), "READY=1\nSTATUS=receiving"),
      "READY=1\nSTATUS=receiving");
}

TEST(ServiceNotify, SendsToAnAbstractSocket) {
  EXPECT_EQ(received_at("@synwatch-notify-" + std::to_string(getpid()), "READY=1"), "READY=1");
}

TEST(ServiceNotify, OutsideSystemdItSendsNothing) {
  ::unsetenv("NOTIFY_SOCKET");
  EXPECT_FALSE(notify_service("READY=1"));
  ::setenv("NOTIFY_SOCKET", "/nonexistent/notify", 1);
  EXPECT_FALSE(notify_service("READY=1"));
  ::unsetenv("NOTIFY_SOCKET");
}

}  // namespace
}  // namespace synwatch::daemon
