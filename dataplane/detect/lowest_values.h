// keep_lowest: the k lowest distinct values seen, in a sorted fixed array. The result
// is the same whatever the order of insertions, which is what lets per-shard samples
// (evidence addresses, ports, earliest contacts) merge deterministically.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>

namespace synwatch::detect {

// Inserts `v` into items[0, size). True when a value was lost: the array was full and
// either `v` or the largest kept value had to go.
template <typename T, size_t N>
bool keep_lowest(std::array<T, N>& items, uint8_t& size, const T& v) {
  T* end = items.data() + size;
  T* at = std::lower_bound(items.data(), end, v);
  if (at != end && !(v < *at)) return false;  // already there
  const bool full = size == N;
  if (full) {
    if (at == end) return true;
    --end;  // the largest makes room
  } else {
    ++size;
  }
  std::copy_backward(at, end, end + 1);
  *at = v;
  return full;
}

}  // namespace synwatch::detect
