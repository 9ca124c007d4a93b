// The canonical key of a TCP session: its two endpoints in a fixed order (the lower
// address:port first), so both directions of a conversation find the same entry.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>

#include "dataplane/decode/flow_record.h"

namespace synwatch::session {

struct SessionKey {
  std::array<uint8_t, 16> addr[2];
  uint16_t port[2];
  uint8_t proto;
  bool v4;
  int src_side;  // which side the record's source is

  // Makes this the key of `r` and returns hash(exporter_salt), computed from the words
  // in registers: reading the key back just after its narrow stores would stall on
  // store forwarding, once per record.
  uint64_t set(const decode::FlowRecord& r, uint16_t exporter_salt = 0) {
    // Any fixed total order will do; whole words compare fastest.
    uint64_t s[2], d[2];
    std::memcpy(s, r.src.bytes().data(), 16);
    std::memcpy(d, r.dst.bytes().data(), 16);
    const bool src_first = s[0] != d[0] ? s[0] < d[0]
                           : s[1] != d[1] ? s[1] < d[1]
                                          : r.src_port <= r.dst_port;
    const uint64_t w[4] = {src_first ? s[0] : d[0], src_first ? s[1] : d[1],
                           src_first ? d[0] : s[0], src_first ? d[1] : s[1]};
    std::memcpy(addr[0].data(), w, 16);
    std::memcpy(addr[1].data(), w + 2, 16);
    src_side = src_first ? 0 : 1;
    port[0] = src_first ? r.src_port : r.dst_port;
    port[1] = src_first ? r.dst_port : r.src_port;
    proto = r.proto;
    v4 = r.src.is_v4();
    return hash_of(w, port[0], port[1], proto, exporter_salt);
  }

  uint64_t hash(uint16_t exporter_salt = 0) const {
    uint64_t w[4];
    std::memcpy(w, addr[0].data(), 16);
    std::memcpy(w + 2, addr[1].data(), 16);
    return hash_of(w, port[0], port[1], proto, exporter_salt);
  }

 private:
  static uint64_t hash_of(const uint64_t (&w)[4], uint16_t port0, uint16_t port1, uint8_t proto,
                          uint16_t exporter_salt) {
    uint64_t h = (uint64_t{port0} << 32 | uint64_t{port1} << 16 | proto) ^ (uint64_t{exporter_salt} << 48);
    for (uint64_t x : w) {
      h = (h ^ x) * 0x9e3779b97f4a7c15ULL;
      h = h << 31 | h >> 33;
    }
    // MurmurHash3's finalizer: every input bit reaches the low bits the index uses.
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
  }
};

// The unordered host pair, for choosing a shard: both directions of a session, and every
// session between two hosts, land on one shard.
inline uint64_t host_pair_hash(const wire::IpAddress& a, const wire::IpAddress& b) {
  // Ordered by hash, not by bytes: symmetric all the same, and no 16-byte compare.
  const uint64_t ha = a.hash(), hb = b.hash();
  const uint64_t lo = ha < hb ? ha : hb, hi = ha < hb ? hb : ha;
  uint64_t h = lo * 0xbf58476d1ce4e5b9ULL ^ hi;
  h ^= h >> 31;
  return h * 0x94d049bb133111ebULL;
}

}  // namespace synwatch::session
