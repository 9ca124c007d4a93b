// Tells systemd how the service stands (a unit of Type=notify): the sd_notify(3)
// protocol, one datagram of "KEY=value" lines to the AF_UNIX socket that
// $NOTIFY_SOCKET names. `systemctl start synwatchd` returns once READY=1 is sent, that
// is once the input receives and the API and metrics answer, so whatever follows it
// (synwatchctl, a scrape) finds the daemon up.
#pragma once

#include <string>

namespace synwatch::daemon {

// False when there is no $NOTIFY_SOCKET (not under systemd) or it cannot be reached.
bool notify_service(const std::string& state);

}  // namespace synwatch::daemon
