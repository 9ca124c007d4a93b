// The synwatch configuration file (YAML). Parsing is all-or-nothing: a file with any
// error changes nothing, and the error names the field and the reason.
//
//   decoder:
//     template_timeout_s: 1800
//     sampling_overrides: [{exporter: 192.0.2.1, rate: 1000}]
//   sessions:
//     capacity: 1048576
//     internal_prefixes: [10.0.0.0/8, 2001:db8::/32]
//     services: ["192.0.2.10:8443"]
//   dataplane:
//     lcores: [2, 3]
//     ports: [{device: "0000:3b:00.0", rx_queues: 2}]
//   output:
//     sessions: /var/log/synwatch/sessions.jsonl
//   metrics:
//     listen: 127.0.0.1:9610
//   api:
//     listen: 127.0.0.1:50051
//   signatures:
//     rule_files: [/etc/synwatch/signatures/default.yaml]
//     rules: [{id: ssh-banner, expression: '^SSH-', target: payload, label: ssh}]
#pragma once

#include <string>

#include "control/api/api_config.h"
#include "control/metrics/metrics_config.h"
#include "dataplane/daemon/dataplane_config.h"
#include "dataplane/decode/decoder_config.h"
#include "dataplane/detect/detect_config.h"
#include "dataplane/session/session_config.h"
#include "dataplane/signature/signature_config.h"

namespace synwatch::config {

struct SynwatchConfig {
  decode::DecoderConfig decoder;
  session::SessionConfig sessions;
  detect::DetectConfig detect;
  daemon::DataplaneConfig dataplane;
  daemon::OutputConfig output;
  control::MetricsConfig metrics;
  control::ApiConfig api;
  signature::SignatureConfig signatures;
};

// Fills `out` from YAML text; returns "" on success, else "field: reason" (and `out` is
// left as it was). `cpu_count` bounds dataplane.lcores.
std::string parse_config(const std::string& yaml, SynwatchConfig& out,
                         uint32_t cpu_count = daemon::machine_cpu_count());
// The same from a file; errors start with the file name.
std::string load_config_file(const std::string& path, SynwatchConfig& out,
                             uint32_t cpu_count = daemon::machine_cpu_count());

}  // namespace synwatch::config
