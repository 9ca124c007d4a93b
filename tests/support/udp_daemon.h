// synwatchd on the kernel UDP input for the daemon tests, and a sender that plays a
// capture's export datagrams to it over loopback. Needs SYNWATCHD_BINARY (the daemon
// tests' targets define it).
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/capture_datagrams.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_ports.h"

namespace synwatch::testing {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// The count after `name` in synwatchd's exit summary ("  input   name   N  meaning");
// 0 when the summary does not list it (it lists counters that are not zero).
inline uint64_t summary_count(const std::string& summary, const std::string& name) {
  const size_t at = summary.find(" " + name + " ");
  if (at == std::string::npos) return 0;
  std::istringstream count(summary.substr(at + name.size() + 1));
  uint64_t n = 0;
  count >> n;
  return n;
}

// synwatchd on the UDP input, running until stopped.
class UdpDaemon {
 public:
  UdpDaemon(uint16_t port, uint32_t workers, const std::vector<std::string>& more = {})
      : dir_(scratch_dir("udp-daemon")),
        process_(arguments(port, workers, dir_ / "sessions.jsonl", more), dir_ / "out", dir_ / "err") {
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (read_text(dir_ / "err").find("receiving on") == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline || !process_.running()) {
        ADD_FAILURE() << "synwatchd did not start: " << read_text(dir_ / "err");
        return;
      }
      std::this_thread::sleep_for(10ms);
    }
  }
  void signal(int sig) { process_.signal(sig); }
  // SIGTERM, then the exit status.
  int stop() {
    process_.signal(SIGTERM);
    return process_.wait(30s);
  }
  std::vector<std::string> sessions() const {
    return sorted_lines(read_text(dir_ / "sessions.jsonl"));
  }
  std::string summary() const { return read_text(dir_ / "err"); }
  const fs::path& dir() const { return dir_; }
  pid_t pid() const { return process_.pid(); }

 private:
  static std::vector<std::string> arguments(uint16_t port, uint32_t workers, const fs::path& sessions,
                                            const std::vector<std::string>& more) {
    std::vector<std::string> argv{SYNWATCHD_BINARY, "--udp", "--udp-port", std::to_string(port),
                                  "--workers", std::to_string(workers), "--sessions-out", sessions};
    argv.insert(argv.end(), more.begin(), more.end());
    return argv;
  }

  fs::path dir_;
  Subprocess process_;
};

// Sends export datagrams to the loopback address of `source`'s family (127.0.0.1 or
// ::1), port `port`, from `source` (a loopback address), at an exporter's pace.
inline void send_datagrams(const std::vector<CapturedDatagram>& datagrams, uint16_t port,
                           const char* source = "127.0.0.1") {
  const bool v6 = std::string(source).find(':') != std::string::npos;
  const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_storage from{}, to{};
  socklen_t length;
  if (v6) {
    auto* f = reinterpret_cast<sockaddr_in6*>(&from);
    auto* t = reinterpret_cast<sockaddr_in6*>(&to);
    f->sin6_family = t->sin6_family = AF_INET6;
    inet_pton(AF_INET6, source, &f->sin6_addr);
    t->sin6_addr = in6addr_loopback;
    t->sin6_port = htons(port);
    length = sizeof(sockaddr_in6);
  } else {
    auto* f = reinterpret_cast<sockaddr_in*>(&from);
    auto* t = reinterpret_cast<sockaddr_in*>(&to);
    f->sin_family = t->sin_family = AF_INET;
    inet_pton(AF_INET, source, &f->sin_addr);
    t->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    t->sin_port = htons(port);
    length = sizeof(sockaddr_in);
  }
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&from), length), 0) << source;
  for (const auto& d : datagrams) {
    ASSERT_EQ(::sendto(fd, d.payload.data(), d.payload.size(), 0, reinterpret_cast<sockaddr*>(&to),
                       length),
              static_cast<ssize_t>(d.payload.size()));
    std::this_thread::sleep_for(1ms);  // the pace of an exporter, not a flood
  }
  ::close(fd);
}

// All of a capture's export datagrams, as send_datagrams() sends them.
inline void send_capture(const fs::path& capture, uint16_t port, const char* source = "127.0.0.1") {
  send_datagrams(read_datagrams(capture), port, source);
}

}  // namespace synwatch::testing
