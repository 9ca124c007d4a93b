// Pending buffer: data sets that arrived before their template (common right after an
// exporter or collector restart), held in a fixed pool of fixed-size slots and decoded
// when the template arrives. What is never claimed expires and is counted.
#pragma once

#include <cstdint>
#include <vector>

#include "dataplane/decode/template_cache.h"

namespace synwatch::decode {

// The export header fields a held data set needs to be decoded later.
struct HeldContext {
  int64_t export_ms = 0;
  uint32_t sys_uptime_ms = 0;  // NetFlow v9 header sysUpTime
};

class PendingBuffer {
 public:
  PendingBuffer(uint32_t slots, uint32_t slot_bytes);

  enum class Hold { kHeld, kHeldAfterEviction, kTooLarge };
  // Copies the data set. At capacity the oldest held set is evicted (its key returned).
  Hold hold(const TemplateKey& key, const HeldContext& ctx, const uint8_t* data, uint32_t size,
            TemplateKey& evicted);

  // Calls f(context, data, size) for every set held for `key`, oldest first, and frees them.
  template <typename F>
  uint32_t take(const TemplateKey& key, F&& f) {
    uint32_t n = 0;
    for (;;) {
      const int64_t i = oldest_matching([&](const Slot& s) { return s.key == key; });
      if (i < 0) return n;
      Slot& s = slots_[static_cast<size_t>(i)];
      f(s.ctx, data_of(static_cast<size_t>(i)), s.size);
      s.used = false;
      ++n;
    }
  }

  // Frees the sets of `exporter` held since before `cutoff_ms`; returns how many.
  uint32_t expire(const IpAddress& exporter, int64_t cutoff_ms);

  uint32_t size() const;

 private:
  struct Slot {
    TemplateKey key;
    HeldContext ctx;
    uint64_t arrival = 0;
    uint32_t size = 0;
    bool used = false;
  };
  template <typename Pred>
  int64_t oldest_matching(Pred&& pred) const {
    int64_t best = -1;
    for (size_t i = 0; i < slots_.size(); ++i) {
      if (slots_[i].used && pred(slots_[i]) &&
          (best < 0 || slots_[i].arrival < slots_[static_cast<size_t>(best)].arrival))
        best = static_cast<int64_t>(i);
    }
    return best;
  }
  const uint8_t* data_of(size_t i) const { return data_.data() + i * slot_bytes_; }

  std::vector<Slot> slots_;
  std::vector<uint8_t> data_;
  uint32_t slot_bytes_;
  uint64_t next_arrival_ = 0;
};

}  // namespace synwatch::decode
