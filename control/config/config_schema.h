// The configuration schema: every setting of the YAML file, with its form, range,
// default and meaning. The parser refuses any key this schema does not list, the
// operator reference (docs/configuration.md, `synwatchd --config-reference`) is printed
// from it, and a test parses a document that sets every row: the reference cannot
// drift from what the parser reads.
//
// Ranges come from each section's bounds() and detectors' visit() (the lists validation
// checks); defaults are read from a default SynwatchConfig.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "control/config/synwatch_config.h"

namespace synwatch::config {

struct Setting {
  // "decoder.template_timeout_s"; a field of each list item: "dataplane.ports[].device".
  std::string path;
  std::string form;     // what the value is: "seconds", "list of prefixes", "dpdk or udp"
  std::string range;    // numbers: "1..1048576"; else ""
  std::string example;  // a valid value, as YAML; "" for a list whose items have rows
  std::string meaning;
  // The setting's value in `c`, as YAML (list items: the first item's, or a new item's
  // default when the list is empty). Empty for a file the configuration does not keep
  // the name of (its content is read at load).
  std::function<std::string(const SynwatchConfig& c)> value;
  std::string fixed_default;  // the default where there is no `value`
  bool required = false;      // a list item's field that every item must have

  std::string default_text() const;
};

// Every setting, in reference order: sections as parse_config() takes them.
const std::vector<Setting>& config_settings();

// The ranges validation checks (each section's bounds()), by setting path:
// "decoder.exporter_capacity" -> "1..1048576".
std::map<std::string, std::string> checked_ranges();

// True for a setting's path or a path that holds settings ("dataplane.ports",
// "detectors.port_scan").
bool is_setting(std::string_view path);

// "unknown setting", with the nearest setting of `section` when one is close
// ("did you mean template_timeout_s?").
std::string unknown_setting(std::string_view section, std::string_view key);

// docs/configuration.md: the reference, in Markdown.
std::string config_reference();

}  // namespace synwatch::config
