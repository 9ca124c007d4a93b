// The IPv4 ADDRESS:PORT the peer benchmark's tools take on their command lines
// (synwatch-send-exports --to, synwatch-udp-sink --listen).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstdint>
#include <string>

#include "dataplane/common/command_line.h"

namespace synwatch::perf {

// False when `text` is not an IPv4 address, a colon and a port from 1 to 65535.
inline bool parse_ipv4_endpoint(const std::string& text, sockaddr_in& out) {
  const auto colon = text.rfind(':');
  out = {};
  out.sin_family = AF_INET;
  uint32_t port = 0;
  if (colon == std::string::npos || inet_pton(AF_INET, text.substr(0, colon).c_str(), &out.sin_addr) != 1 ||
      !parse_u32(text.substr(colon + 1), port) || port == 0 || port > 65535)
    return false;
  out.sin_port = htons(static_cast<uint16_t>(port));
  return true;
}

}  // namespace synwatch::perf
