// SyslogSender: alert events to a syslog collector as RFC 5424 messages, over UDP
// (RFC 5426: one message a datagram) or TCP (RFC 6587 octet counting: "LEN MSG").
// Every wait is bounded: a TCP connect or send gives up after a second, and while the
// collector is away a reconnect is tried at most once a second, the events in between
// failing at once (counted by the outbox). One warning when the collector goes away
// and one when it is back, never one per event.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include <sys/socket.h>

#include "control/sinks/alert_destination.h"
#include "control/sinks/syslog_message.h"
#include "dataplane/daemon/dataplane_config.h"

namespace synwatch::sinks {

class SyslogSender : public AlertDestination {
 public:
  SyslogSender(const daemon::SyslogConfig& config, std::FILE* warnings);
  ~SyslogSender() override;

  // Resolves the collector's address. False with `error` naming the setting when it
  // cannot be resolved; the first connection is made on the first event.
  bool open(std::string& error);

  bool deliver(const detect::Alert& alert) override;
  void reopen() override;  // a fresh connection (the collector may have moved)

 private:
  bool connect_now();
  void went_away(const char* why);  // warns once until delivery works again
  void disconnect(const char* why);
  bool send_all(const std::string& bytes);

  const daemon::SyslogConfig config_;
  std::FILE* warnings_;
  SyslogIdentity identity_;
  sockaddr_storage address_{};
  socklen_t address_size_ = 0;
  int fd_ = -1;
  bool lost_ = false;  // warned about the collector being away, not yet back
  std::chrono::steady_clock::time_point next_attempt_{};
};

}  // namespace synwatch::sinks
