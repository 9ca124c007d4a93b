#include "dataplane/decode/decoder_config.h"

#include "dataplane/common/setting_bounds.h"

namespace synwatch::decode {

std::vector<SettingBound> DecoderConfig::bounds() const {
  return {
      {"exporter_capacity", exporter_capacity, 1, 1u << 20},
      {"template_capacity", template_capacity, 1, 1u << 22},
      {"templates_per_exporter", templates_per_exporter, 1, 65535},
      {"template_timeout_s", template_timeout_s, 0, 7 * 86400},
      {"pending_slots", pending_slots, 0, 1u << 16},
      {"pending_slot_bytes", pending_slot_bytes, 64, 65535},
      {"pending_per_exporter", pending_per_exporter, 0, 1u << 16},
      {"pending_timeout_s", pending_timeout_s, 0, 3600},
      {"max_records_per_packet", max_records_per_packet, 1, 65535},
      {"clock_jump_s", clock_jump_s, 0, 7 * 86400},
      {"interface_capacity", interface_capacity, 0, 1u << 20},
      {"interfaces_per_exporter", interfaces_per_exporter, 1, 1u << 20},
  };
}

std::string DecoderConfig::validate() const {
  if (std::string problem = check_bounds(bounds()); !problem.empty()) return problem;
  for (const auto& o : sampling_overrides) {
    if (!o.exporter.is_set()) return "sampling_overrides: exporter address missing";
    if (o.rate == 0) return "sampling_overrides: rate for " + o.exporter.to_string() + " is 0";
  }
  return {};
}

}  // namespace synwatch::decode
