// ContactMemory: the (client, server, port) contacts one shard has seen, so that only a
// client's first contact with a service moves the scanner's walk.
//
// Every decided session asks it once, at a random place in memory, so it is built for
// one cache miss per question: a set-associative cache of 64-bit contact hashes, each
// hash mapped to one 64-byte bucket of eight (tag, last seen) pairs. A full bucket
// forgets the contact it saw least recently. The tag is the hash's high 32 bits and the
// bucket comes from its low 32, so two contacts are mistaken for one about once in
// 2^29 lookups of a full bucket.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "dataplane/table/huge_page_allocator.h"

namespace synwatch::detect {

class ContactMemory {
 public:
  enum class Seen { kBefore, kFirst, kFirstForgotOne };

  // Room for `capacity` contacts, rounded up to a whole bucket.
  explicit ContactMemory(uint32_t capacity) : buckets_(std::max<uint32_t>(1, (capacity + kWays - 1) / kWays)) {}

  uint32_t capacity() const { return static_cast<uint32_t>(buckets_.size()) * kWays; }

  void prefetch(uint64_t hash) const { __builtin_prefetch(&buckets_[bucket_of(hash)]); }

  // Remembers the contact hashed to `hash` as seen at flow time `ms`, and says whether
  // it was already remembered.
  Seen touch(uint64_t hash, int64_t ms) {
    Bucket& b = buckets_[bucket_of(hash)];
    const uint32_t tag = tag_of(hash);
    const uint32_t now = clock_of(ms);
    uint32_t oldest = 0;
    for (uint32_t w = 0; w < kWays; ++w) {
      if (b.tag[w] == tag) {
        b.seen[w] = std::max(b.seen[w], now);
        return Seen::kBefore;
      }
      if (b.tag[w] == 0) {  // ways fill in order: the rest are empty too
        b.tag[w] = tag, b.seen[w] = now;
        return Seen::kFirst;
      }
      if (b.seen[w] < b.seen[oldest]) oldest = w;
    }
    b.tag[oldest] = tag, b.seen[oldest] = now;
    return Seen::kFirstForgotOne;
  }

 private:
  static constexpr uint32_t kWays = 8;
  struct alignas(64) Bucket {
    std::array<uint32_t, kWays> tag{};   // 0: empty
    std::array<uint32_t, kWays> seen{};  // flow time in units of 1,024 ms
  };

  uint32_t bucket_of(uint64_t hash) const {
    // Lemire's multiply-shift: any bucket count, no division.
    return static_cast<uint32_t>((hash & 0xffffffffULL) * buckets_.size() >> 32);
  }
  static uint32_t tag_of(uint64_t hash) {
    const auto t = static_cast<uint32_t>(hash >> 32);
    return t != 0 ? t : 1;
  }
  // Least-recently-seen needs order, not precision: about a second, for 136 years of
  // Unix time in 32 bits.
  static uint32_t clock_of(int64_t ms) {
    return static_cast<uint32_t>(std::clamp<int64_t>(ms >> 10, 0, UINT32_MAX));
  }

  table::HugeVector<Bucket> buckets_;
};

}  // namespace synwatch::detect
