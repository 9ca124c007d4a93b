// AddressSample: a few addresses of a key for the alert's evidence (its clients, its
// targets). It keeps the lowest kSize addresses seen, so merges in any order agree.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "dataplane/detect/lowest_values.h"
#include "dataplane/wire/ip_address.h"

namespace synwatch::detect {

class AddressSample {
 public:
  static constexpr uint32_t kSize = 4;

  void add(const wire::IpAddress& a) { keep_lowest(items_, size_, a); }
  void merge(const AddressSample& other) {
    for (uint32_t i = 0; i < other.size_; ++i) add(other.items_[i]);
  }
  uint32_t size() const { return size_; }
  const wire::IpAddress& operator[](uint32_t i) const { return items_[i]; }

 private:
  std::array<wire::IpAddress, kSize> items_{};
  uint8_t size_ = 0;
};

}  // namespace synwatch::detect
