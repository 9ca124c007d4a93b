#include "dataplane/detect/evidence.h"

#include <charconv>

namespace synwatch::detect {

Evidence& Evidence::put(std::string_view key, const std::string& json_value) {
  text_ += text_.empty() ? "{\"" : ",\"";
  text_ += key;
  text_ += "\":";
  text_ += json_value;
  return *this;
}

Evidence& Evidence::add(std::string_view key, double v) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return put(key, std::string(buf, r.ptr));
}

Evidence& Evidence::add(std::string_view key, std::string_view text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    if (static_cast<unsigned char>(c) >= 0x20) quoted += c;
  }
  return put(key, quoted + "\"");
}

Evidence& Evidence::add(std::string_view key, const AddressSample& sample) {
  std::string list = "[";
  for (uint32_t i = 0; i < sample.size(); ++i) list += (i ? ",\"" : "\"") + sample[i].to_string() + "\"";
  return put(key, list + "]");
}

Evidence& Evidence::add_ports(std::string_view key, const uint32_t* ports, uint32_t n) {
  std::string list = "[";
  for (uint32_t i = 0; i < n; ++i) list += (i ? "," : "") + std::to_string(ports[i]);
  return put(key, list + "]");
}

}  // namespace synwatch::detect
