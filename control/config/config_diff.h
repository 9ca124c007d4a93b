// What a proposed configuration changes, setting by setting, and which of those changes
// the running daemon can take without a restart.
//
// Settings are compared as the YAML says them (leaf paths such as
// "detectors.port_scan.inbound.min_ports" or "detectors.allowlist[0].prefix"): a
// setting added, removed or given another value is a change, even where the old and new
// values mean the same (a default written out), which errs towards asking for a restart.
#pragma once

#include <string>
#include <vector>

#include "control/config/synwatch_config.h"

namespace synwatch::config {

// The leaf paths whose values differ, sorted; "" for the whole document when one of the
// two is not YAML at all (callers validate first).
std::vector<std::string> changed_settings(const std::string& old_yaml, const std::string& new_yaml);

// True for the settings a running daemon applies at once: the detectors' parameters,
// allowlist and update interval (the detection thread), and the workers' address plan,
// sampling overrides and signatures (applies_to_workers); everything else (inputs, workers, table
// sizes, outputs, listeners, credentials) takes effect at the next start.
bool applies_live(const std::string& path);

// True for the live settings the workers hold: sessions.internal_prefixes,
// external_prefixes and services, decoder.sampling_overrides, signatures.
bool applies_to_workers(const std::string& path);

// Copies into `running` the worker settings among `changed` from `from_file`, leaving
// the rest of `running` as it is (command-line overrides stay). False if none changed.
bool take_worker_settings(const std::vector<std::string>& changed, const SynwatchConfig& from_file,
                          SynwatchConfig& running);

}  // namespace synwatch::config
