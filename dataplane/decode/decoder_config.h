// Decoder limits and behaviour. Every table the decoder keeps is bounded by one of these.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dataplane/common/setting_bounds.h"
#include "dataplane/wire/ip_address.h"

namespace synwatch::decode {

struct SamplingOverride {
  wire::IpAddress exporter;
  uint32_t rate = 1;  // 1-in-N, applied to every record of that exporter
};

struct DecoderConfig {
  uint32_t exporter_capacity = 1024;       // exporters tracked per core
  uint32_t template_capacity = 4096;       // templates per core, all exporters together
  uint32_t templates_per_exporter = 512;   // so one exporter cannot crowd out the rest
  uint32_t template_timeout_s = 1800;      // 0: templates never expire
  uint32_t pending_slots = 64;             // data sets held while their template is missing
  uint32_t pending_slot_bytes = 2048;      // largest data set that can be held
  uint32_t pending_per_exporter = 16;
  uint32_t pending_timeout_s = 60;
  uint32_t max_records_per_packet = 8192;
  // An export time this far ahead of the exporter's clock and of every other exporter's
  // is held until confirmed (export_clock.h); 0: off.
  uint32_t clock_jump_s = 600;
  // Interfaces named in options data, per core, all exporters together (interface_table.h);
  // 0: names are not kept and records carry no interface roles.
  uint32_t interface_capacity = 4096;
  uint32_t interfaces_per_exporter = 1024;  // so one exporter cannot crowd out the rest
  std::vector<SamplingOverride> sampling_overrides;

  // Empty when valid; otherwise "field: reason".
  std::string validate() const;
  // The numeric settings' ranges (setting_bounds.h).
  std::vector<SettingBound> bounds() const;
};

}  // namespace synwatch::decode
