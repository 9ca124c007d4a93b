// libFuzzer target: the configuration parser (YAML through yaml-cpp, then every
// section's settings) on arbitrary text. Beyond the sanitizers: a text it refuses
// leaves the configuration exactly as it was, and one it accepts validates.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "control/config/synwatch_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace synwatch;
  const std::string text(reinterpret_cast<const char*>(data), size);
  config::SynwatchConfig c;
  c.sessions.capacity = 4242;  // a value the text must not change when refused
  const std::string problem = config::parse_config(text, c, 4);
  if (!problem.empty() && c.sessions.capacity != 4242) std::abort();
  if (problem.empty() && (!c.decoder.validate().empty() || !c.sessions.validate().empty())) std::abort();
  return 0;
}
