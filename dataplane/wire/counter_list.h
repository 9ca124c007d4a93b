// Named counter lists: one X-macro list generates an enum, the names and the help text,
// so a counter can never exist without its name and its explanation (VPP's habit).
//
//   #define MY_COUNTERS(X) X(name, Kind, "help")
//   SYNWATCH_DEFINE_COUNTERS(MyCounter, MY_COUNTERS)
//
// defines `enum class MyCounter`, `kMyCounterCount`, `counter_name(MyCounter)`,
// `counter_help(MyCounter)` and `counter_kind(MyCounter)`.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace synwatch::wire {

// drop: input was discarded; event: something worth counting that loses nothing;
// loss: data the exporter sent that never reached us (derived from sequence numbers).
enum class CounterKind : uint8_t { kDrop, kEvent, kLoss };

#define SYNWATCH_COUNTER_ENUM_(name, kind, help) name,
#define SYNWATCH_COUNTER_NAME_(name, kind, help) #name,
#define SYNWATCH_COUNTER_HELP_(name, kind, help) help,
#define SYNWATCH_COUNTER_KIND_(name, kind, help) ::synwatch::wire::CounterKind::kind,

#define SYNWATCH_DEFINE_COUNTERS(Enum, LIST)                                          \
  enum class Enum : uint16_t { LIST(SYNWATCH_COUNTER_ENUM_) };                        \
  inline constexpr auto k##Enum##Names =                                              \
      std::to_array<std::string_view>({LIST(SYNWATCH_COUNTER_NAME_)});                \
  inline constexpr size_t k##Enum##Count = k##Enum##Names.size();                    \
  inline constexpr std::array<std::string_view, k##Enum##Count> k##Enum##Help{       \
      LIST(SYNWATCH_COUNTER_HELP_)};                                                  \
  inline constexpr std::array<::synwatch::wire::CounterKind, k##Enum##Count>          \
      k##Enum##Kinds{LIST(SYNWATCH_COUNTER_KIND_)};                                   \
  inline constexpr std::string_view counter_name(Enum c) {                            \
    return k##Enum##Names[static_cast<size_t>(c)];                                    \
  }                                                                                   \
  inline constexpr std::string_view counter_help(Enum c) {                            \
    return k##Enum##Help[static_cast<size_t>(c)];                                     \
  }                                                                                   \
  inline constexpr ::synwatch::wire::CounterKind counter_kind(Enum c) {               \
    return k##Enum##Kinds[static_cast<size_t>(c)];                                    \
  }

// A plain array of counters indexed by one of those enums. Single writer (one core);
// readers sum copies.
template <typename Enum, size_t N>
struct CounterArray {
  std::array<uint64_t, N> values{};
  void add(Enum c, uint64_t n = 1) { values[static_cast<size_t>(c)] += n; }
  uint64_t get(Enum c) const { return values[static_cast<size_t>(c)]; }
  void merge(const CounterArray& other) {
    for (size_t i = 0; i < N; ++i) values[i] += other.values[i];
  }
};

}  // namespace synwatch::wire
