#include "dataplane/decode/interface_table.h"

#include <algorithm>
#include <cstring>

namespace synwatch::decode {
namespace {

void keep(std::string_view text, std::array<char, kMaxInterfaceText>& out, uint8_t& size) {
  size = static_cast<uint8_t>(std::min(text.size(), kMaxInterfaceText));
  std::memcpy(out.data(), text.data(), size);
}

}  // namespace

InterfaceTable::InterfaceTable(uint32_t capacity) : map_(capacity) {}

InterfaceTable::Learned InterfaceTable::learn(const IpAddress& exporter, uint32_t index,
                                              const InterfaceNaming& naming, int64_t now_ms) {
  Learned out;
  if (index == 0 || map_.capacity() == 0) return out;
  const Key key{exporter, index};
  Entry* e = map_.find(key);
  if (e == nullptr) {
    if (map_.full()) {
      const auto victim = static_cast<uint32_t>(map_.pick_victim(
          8, [](const Entry& a, const Entry& b) { return a.refreshed_ms < b.refreshed_ms; }));
      out.evicted = true;
      out.evicted_exporter = map_.key_at(victim).exporter;
      map_.erase_at(victim);
    }
    e = map_.insert(key);
    if (e == nullptr) return out;  // not reached: a slot was freed above
    *e = Entry{};
    out.added = true;
  }
  if (naming.has_name) keep(naming.name, e->name, e->name_size);
  if (naming.has_description) keep(naming.description, e->description, e->description_size);
  e->generation = 0;  // the text may have changed: tell the role again
  e->refreshed_ms = now_ms;
  return out;
}

std::array<uint32_t, 3> InterfaceTable::count_roles() {
  std::array<uint32_t, 3> counts{};
  if (!telling()) {
    counts[static_cast<size_t>(InterfaceRole::kUnknown)] = map_.size();
    return counts;
  }
  const uint32_t generation = classifier_->generation();
  map_.for_each([&](const Key& k, const Entry&) {
    ++counts[static_cast<size_t>(role_at(k.exporter, k.index, generation))];
  });
  return counts;
}

InterfaceRole InterfaceTable::role_at(const IpAddress& exporter, uint32_t index,
                                      uint32_t generation) {
  if (index == 0) return InterfaceRole::kUnknown;
  Entry* e = map_.find(Key{exporter, index});
  if (e == nullptr) return InterfaceRole::kUnknown;
  if (e->generation != generation) [[unlikely]] {
    e->role = classifier_->classify(e->name_text(), e->description_text());
    e->generation = generation;
  }
  return e->role;
}

}  // namespace synwatch::decode
