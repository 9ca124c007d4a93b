// The keys of the detectors' tables. Each carries the perspective of the sessions it
// counts, so every perspective has its own series and its own settings.
#pragma once

#include <cstdint>

#include "dataplane/detect/distinct_set.h"
#include "dataplane/session/perspective.h"
#include "dataplane/wire/ip_address.h"

namespace synwatch::detect {

using session::Perspective;
using wire::IpAddress;

inline uint64_t combine(uint64_t h, uint64_t v) { return mix64(h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6))); }

// One host (a scanning source, a responder).
struct HostKey {
  IpAddress host;
  Perspective perspective{};
  bool operator==(const HostKey&) const = default;
  struct Hash {
    uint64_t operator()(const HostKey& k) const { return combine(k.host.hash(), uint64_t(k.perspective)); }
  };
};

// A host and a port: a service (server, port), or a sweep (source, port).
struct HostPortKey {
  IpAddress host;
  uint16_t port = 0;
  Perspective perspective{};
  bool operator==(const HostPortKey&) const = default;
  bool operator<(const HostPortKey& o) const {
    if (!(host == o.host)) return host < o.host;
    if (port != o.port) return port < o.port;
    return perspective < o.perspective;
  }
  struct Hash {
    uint64_t operator()(const HostPortKey& k) const {
      return combine(k.host.hash(), uint64_t{k.port} << 8 | uint64_t(k.perspective));
    }
  };
};

// Two hosts: (source, target).
struct HostPairKey {
  IpAddress source, target;
  Perspective perspective{};
  bool operator==(const HostPairKey&) const = default;
  struct Hash {
    uint64_t operator()(const HostPairKey& k) const {
      return combine(combine(k.source.hash(), k.target.hash()), uint64_t(k.perspective));
    }
  };
};

// Two hosts and the server's port: (client, server, port).
struct ConnectionKey {
  IpAddress client, server;
  uint16_t port = 0;
  Perspective perspective{};
  bool operator==(const ConnectionKey&) const = default;
  struct Hash {
    uint64_t operator()(const ConnectionKey& k) const {
      return combine(combine(k.client.hash(), k.server.hash()), uint64_t{k.port} << 8 | uint64_t(k.perspective));
    }
  };
};

// 32 bits of an address for distinct counting (collisions are rare and only ever undercount).
inline uint32_t address_tag(const IpAddress& a) { return static_cast<uint32_t>(a.hash() >> 32); }

}  // namespace synwatch::detect
