// HyperLogLog with 2^P one-byte registers (Flajolet et al. 2007, with the small-range
// linear-counting correction). Merging takes the register-wise maximum, which is exact:
// the merge of two sketches equals the sketch of the union, in any order.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

namespace synwatch::detect {

template <unsigned P>
class HyperLogLog {
 public:
  static constexpr uint32_t kRegisters = 1u << P;
  static_assert(P >= 4 && P <= 16, "HyperLogLog precision out of range");

  // `hash` must be a well-mixed 64-bit hash of the item.
  void add(uint64_t hash) {
    const uint32_t index = static_cast<uint32_t>(hash >> (64 - P));
    const uint64_t rest = hash << P | (uint64_t{1} << (P - 1));  // never all zero
    const auto rank = static_cast<uint8_t>(__builtin_clzll(rest) + 1);
    if (rank > registers_[index]) registers_[index] = rank;
  }

  void merge(const HyperLogLog& other) {
    for (uint32_t i = 0; i < kRegisters; ++i)
      if (other.registers_[i] > registers_[i]) registers_[i] = other.registers_[i];
  }

  double estimate() const {
    double sum = 0;
    uint32_t zeros = 0;
    for (uint8_t r : registers_) {
      sum += std::ldexp(1.0, -r);
      zeros += r == 0;
    }
    const double m = kRegisters;
    const double alpha = P == 4 ? 0.673 : P == 5 ? 0.697 : P == 6 ? 0.709 : 0.7213 / (1 + 1.079 / m);
    const double raw = alpha * m * m / sum;
    if (raw <= 2.5 * m && zeros > 0) return m * std::log(m / zeros);
    return raw;
  }

  bool operator==(const HyperLogLog&) const = default;

 private:
  std::array<uint8_t, kRegisters> registers_{};
};

}  // namespace synwatch::detect
