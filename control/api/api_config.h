// The `api:` section: the gRPC control plane's address, transport security and callers.
//
//   api:
//     listen: 127.0.0.1:50051        # "" serves no API
//     tls:                           # required for a non-loopback address
//       cert: /etc/synwatch/tls/server.crt
//       key: /etc/synwatch/tls/server.key
//       client_ca: /etc/synwatch/tls/clients.crt   # optional: callers need a cert it signed
//     tokens:                        # optional: callers send "authorization: Bearer TOKEN"
//       - {name: ops, file: /etc/synwatch/tokens/ops}
//     alert_history: 10000           # alert events kept for List and resumed subscriptions
//     max_subscribers: 16
//     subscriber_stall_s: 30         # a subscriber that reads nothing this long is cancelled
//     recent_sessions: 65536         # decided sessions kept for lookup by address
//     top_keys: 1024                 # servers, clients, ports per minute for top failed
//
// Secrets are files, never inline: the configuration can be shown (GetConfig) and kept
// in version control. The files are read when the configuration is loaded.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dataplane/common/setting_bounds.h"

namespace synwatch::control {

struct ApiToken {
  std::string name;    // who: logged with every change a caller makes
  std::string secret;  // the file's content, surrounding whitespace trimmed
};

struct ApiConfig {
  std::string listen = "127.0.0.1:50051";
  bool listen_set = false;  // as MetricsConfig: an explicit address must bind
  std::string tls_cert, tls_key, tls_client_ca;  // PEM text; cert and key together
  std::vector<ApiToken> tokens;
  uint32_t alert_history = 10000;
  uint32_t max_subscribers = 16;
  // A subscriber whose client has not taken an event for this long is cancelled, so a
  // client that opens streams and never reads cannot keep the slots.
  uint32_t subscriber_stall_s = 30;
  uint32_t recent_sessions = 65536;  // decided sessions kept for lookup
  uint32_t top_keys = 1024;          // keys per minute and dimension for top failed

  bool tls() const { return !tls_cert.empty(); }
  // "" when valid, else "field: reason" (fields relative to `api.`).
  std::string validate() const;
  // The numeric settings' ranges (setting_bounds.h).
  std::vector<SettingBound> bounds() const;
};

// True for 127.0.0.0/8 and ::1: the only addresses served without TLS.
bool is_loopback_listen(const std::string& listen);

}  // namespace synwatch::control
