#include "dataplane/json/session_json.h"

#include "dataplane/signature/label_registry.h"

namespace synwatch::json {

std::string_view session_to_json(const session::SessionEvent& s, JsonLine& line) {
  line.field("client", s.client)
      .field("client_port", s.client_port)
      .field("server", s.server)
      .field("server_port", s.server_port)
      .field("proto", s.proto)
      .field("state", session::state_name(s.state))
      .field("established", s.established)
      .field("failed", s.failed)
      .field("perspective", session::perspective_name(s.perspective))
      .field("client_flags", s.client_flags)
      .field("server_flags", s.server_flags)
      .field("c2s_packets", s.c2s_packets)
      .field("c2s_bytes", s.c2s_bytes)
      .field("s2c_packets", s.s2c_packets)
      .field("s2c_bytes", s.s2c_bytes)
      .field("start_ms", s.start_ms)
      .field("end_ms", s.end_ms);
  line.array_begin("exporters");
  for (uint8_t i = 0; i < s.exporter_count; ++i) line.element(s.exporters[i]);
  line.array_end().field("sampled", s.sampled);
  if (s.sampled) {
    line.field("sampling", s.sampling)
        .field("syn_packets", s.syn_packets)
        .field("synack_packets", s.synack_packets)
        .field("rst_packets", s.rst_packets)
        .field("fin_packets", s.fin_packets);
  }
  if (s.label != 0) line.field("label", signature::LabelRegistry::instance().name(s.label));
  return line.finish();
}

}  // namespace synwatch::json
