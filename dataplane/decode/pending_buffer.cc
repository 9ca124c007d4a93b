#include "dataplane/decode/pending_buffer.h"

#include <cstring>

namespace synwatch::decode {

PendingBuffer::PendingBuffer(uint32_t slots, uint32_t slot_bytes)
    : slots_(slots), data_(size_t{slots} * slot_bytes), slot_bytes_(slot_bytes) {}

PendingBuffer::Hold PendingBuffer::hold(const TemplateKey& key, const HeldContext& ctx,
                                        const uint8_t* data, uint32_t size,
                                        TemplateKey& evicted) {
  if (size > slot_bytes_ || slots_.empty()) return Hold::kTooLarge;
  Hold result = Hold::kHeld;
  int64_t slot = -1;
  for (size_t i = 0; i < slots_.size() && slot < 0; ++i)
    if (!slots_[i].used) slot = static_cast<int64_t>(i);
  if (slot < 0) {
    slot = oldest_matching([](const Slot&) { return true; });
    evicted = slots_[static_cast<size_t>(slot)].key;
    result = Hold::kHeldAfterEviction;
  }
  Slot& s = slots_[static_cast<size_t>(slot)];
  s = Slot{key, ctx, next_arrival_++, size, true};
  std::memcpy(data_.data() + static_cast<size_t>(slot) * slot_bytes_, data, size);
  return result;
}

uint32_t PendingBuffer::expire(const IpAddress& exporter, int64_t cutoff_ms) {
  uint32_t n = 0;
  for (auto& s : slots_) {
    if (s.used && s.key.exporter == exporter && s.ctx.export_ms < cutoff_ms) {
      s.used = false;
      ++n;
    }
  }
  return n;
}

uint32_t PendingBuffer::size() const {
  uint32_t n = 0;
  for (const auto& s : slots_) n += s.used ? 1 : 0;
  return n;
}

}  // namespace synwatch::decode
