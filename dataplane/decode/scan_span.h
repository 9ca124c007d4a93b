// ScanSpan: bytes a decoded record carried that signatures may look at, and what they
// are: the sampled packet's transport payload, or a string field of the record.
//
// Spans point into the export packet being decoded: they are valid only during the
// sink call that receives them (RecordSink::on_record_with_spans).
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace synwatch::decode {

enum class ScanTarget : uint8_t {
  kPayload,               // what follows the TCP/UDP header of a sampled packet
  kApplicationName,       // IPFIX applicationName (IE 96)
  kInterfaceName,         // IPFIX interfaceName (IE 82), from options data
  kInterfaceDescription,  // IPFIX interfaceDescription (IE 83), from options data
  kHttpHost,              // IPFIX httpRequestHost (IE 460)
  kHttpUrl,               // IPFIX httpRequestTarget (IE 461)
  kHttpUserAgent,         // IPFIX httpUserAgent (IE 468)
};
inline constexpr size_t kScanTargetCount = 7;

constexpr std::string_view scan_target_name(ScanTarget t) {
  constexpr std::string_view names[kScanTargetCount] = {
      "payload",   "application_name", "interface_name", "interface_description",
      "http_host", "http_url",         "http_user_agent"};
  const auto i = static_cast<size_t>(t);
  return i < kScanTargetCount ? names[i] : "?";
}

// Interface names and descriptions are not scanned per record: they tell the role of an
// interface (decode/interface_role.h), once per interface and rule set.
constexpr bool is_interface_target(ScanTarget t) {
  return t == ScanTarget::kInterfaceName || t == ScanTarget::kInterfaceDescription;
}

// False when `name` is not a target.
inline bool parse_scan_target(std::string_view name, ScanTarget& out) {
  for (size_t i = 0; i < kScanTargetCount; ++i) {
    const auto t = static_cast<ScanTarget>(i);
    if (scan_target_name(t) == name) {
      out = t;
      return true;
    }
  }
  return false;
}

struct ScanSpan {
  const uint8_t* data = nullptr;
  uint32_t size = 0;
  ScanTarget target = ScanTarget::kPayload;
};

// The spans of one record; a record has few (a payload, a handful of strings), and any
// beyond the bound are not scanned.
struct RecordSpans {
  static constexpr size_t kMax = 4;
  std::array<ScanSpan, kMax> spans{};
  uint8_t count = 0;

  void add(ScanTarget target, const uint8_t* data, uint32_t size) {
    if (size == 0 || count == kMax) return;
    spans[count++] = {data, size, target};
  }
  bool empty() const { return count == 0; }
};

}  // namespace synwatch::decode
