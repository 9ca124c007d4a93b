// HugePageAllocator: memory for the big fixed tables (sessions, hash indexes, detector
// partials, first contacts) on 2 MiB pages where the kernel allows.
//
// Their entries are read at random, a few per record or session, so on 4 KiB pages
// nearly every access misses the TLB as well as the cache, and a prefetch waits on the
// page walk instead of running ahead. Blocks of 2 MiB and more are mapped on their own,
// aligned to 2 MiB and marked MADV_HUGEPAGE (transparent huge pages, in the kernel's
// "madvise" and "always" modes; with "never" they stay on 4 KiB pages and work the
// same, slower). Smaller blocks come from the ordinary heap.
#pragma once

#include <sys/mman.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <vector>

namespace synwatch::table {

inline constexpr size_t kHugePage = size_t{2} << 20;

inline size_t huge_mapping_size(size_t bytes) { return (bytes + kHugePage - 1) / kHugePage * kHugePage; }

// `bytes` rounded up to whole huge pages, 2 MiB-aligned; nullptr when the mapping fails.
inline void* map_huge(size_t bytes) {
  const size_t size = huge_mapping_size(bytes);
  // Over-map by one page, then trim to an aligned window.
  void* raw = mmap(nullptr, size + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const auto start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t aligned = (start + kHugePage - 1) & ~(uintptr_t{kHugePage} - 1);
  if (aligned > start) munmap(raw, aligned - start);
  const uintptr_t tail = aligned + size, end = start + size + kHugePage;
  if (end > tail) munmap(reinterpret_cast<void*>(tail), end - tail);
  madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE);  // a hint: no error to act on
  return reinterpret_cast<void*>(aligned);
}

template <typename T>
struct HugePageAllocator {
  using value_type = T;

  HugePageAllocator() = default;
  template <typename U>
  HugePageAllocator(const HugePageAllocator<U>&) {}  // NOLINT: rebinding

  T* allocate(size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) return std::allocator<T>{}.allocate(n);
    void* p = map_huge(bytes);
    if (p == nullptr) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) {
    const size_t bytes = n * sizeof(T);
    if (bytes < kHugePage) return std::allocator<T>{}.deallocate(p, n);
    munmap(p, huge_mapping_size(bytes));
  }

  template <typename U>
  bool operator==(const HugePageAllocator<U>&) const {
    return true;
  }
};

// A table's fixed array of entries.
template <typename T>
using HugeVector = std::vector<T, HugePageAllocator<T>>;

}  // namespace synwatch::table
