// Evidence: the JSON object an alert carries to show why it fired (counts, baselines,
// its clients, ports and targets). Built on the control side, never in the hot path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "dataplane/detect/address_sample.h"
#include "dataplane/detect/distinct_set.h"

namespace synwatch::detect {

class Evidence {
 public:
  Evidence& add(std::string_view key, uint64_t v) { return put(key, std::to_string(v)); }
  Evidence& add(std::string_view key, double v);
  Evidence& add(std::string_view key, std::string_view text);
  Evidence& add(std::string_view key, const wire::IpAddress& a) { return add(key, std::string_view(a.to_string())); }
  Evidence& add(std::string_view key, const AddressSample& sample);
  // The values of a set that are ports (sorted), and whether the list is complete.
  Evidence& add_ports(std::string_view key, const uint32_t* ports, uint32_t n);
  std::string finish() { return text_.empty() ? "{}" : text_ + "}"; }

 private:
  Evidence& put(std::string_view key, const std::string& json_value);
  std::string text_;
};

}  // namespace synwatch::detect
