// Session layer settings. Every number has a bound checked by validate().
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dataplane/common/setting_bounds.h"
#include "dataplane/session/perspective.h"
#include "dataplane/wire/ip_address.h"

namespace synwatch::session {

struct Service {  // an address:port that is a server, whatever its port number
  wire::IpAddress address;
  uint16_t port = 0;
};

struct SessionConfig {
  uint32_t capacity = 1u << 20;   // sessions in all, shared out among shards; never grows
  uint32_t exporters = 1024;      // exporters told apart per shard
  uint32_t answer_window_s = 30;  // flow time a SYN waits for any reply before S0
  uint32_t idle_timeout_s = 300;  // flow time without records before a session is decided
  uint32_t max_lifetime_s = 3600; // a session older than this is decided, and restarts
  // Export time a session is held after its last record arrived, so that records of the
  // other direction, exported a little later, still join it.
  uint32_t export_grace_s = 30;
  bool join_exporters = true;     // join records of one session from different exporters
  std::vector<Service> services;
  std::vector<Prefix> internal = default_internal_prefixes();
  std::vector<Prefix> external;  // exceptions inside the internal prefixes

  // Empty when valid; otherwise "field: reason".
  std::string validate() const;
  // The numeric settings' ranges (setting_bounds.h).
  std::vector<SettingBound> bounds() const;

  // The configuration of one of `tables` tables sharing this one's capacity.
  SessionConfig share(uint32_t tables) const;
};

}  // namespace synwatch::session
