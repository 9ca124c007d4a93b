// Range checks for numeric settings, with the error every configuration path reports:
// "field: value is outside min..max". Each configuration section lists its bounds once,
// in bounds(): validate() checks them and the configuration reference prints them.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace synwatch {

struct SettingBound {
  const char* field;
  uint32_t value;
  uint32_t min;
  uint32_t max;
};

// "" when every value is within its bounds; otherwise the first violation.
template <typename Bounds>
std::string check_bounds(const Bounds& bounds) {
  for (const auto& b : bounds) {
    if (b.value < b.min || b.value > b.max)
      return std::string(b.field) + ": " + std::to_string(b.value) + " is outside " +
             std::to_string(b.min) + ".." + std::to_string(b.max);
  }
  return {};
}
inline std::string check_bounds(std::initializer_list<SettingBound> bounds) {
  return check_bounds<std::initializer_list<SettingBound>>(bounds);
}

}  // namespace synwatch
