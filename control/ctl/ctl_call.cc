#include "control/ctl/ctl_call.h"

#include <google/protobuf/util/json_util.h>

#include <cctype>
#include <cinttypes>
#include <ctime>

namespace synwatch::ctl {

int Call::fail(const std::string& message) const {
  std::fprintf(err, "synwatchctl: %s\n", message.c_str());
  return 1;
}

int Call::misuse(const std::string& message) const {
  fail(message);
  return 2;
}

void Call::json(const google::protobuf::Message& m) const {
  std::string text;
  google::protobuf::util::JsonPrintOptions o;
  o.preserve_proto_field_names = true;
  o.always_print_primitive_fields = true;  // scripts see every field, zeros too
  (void)google::protobuf::util::MessageToJsonString(m, &text, o);
  std::fprintf(out, "%s\n", text.c_str());
}

std::string upper(std::string s) {
  for (char& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return s;
}

std::string time_text(int64_t ms) {
  if (ms <= 0) return "-";
  const std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string duration_text(int64_t ms) {
  const int64_t s = ms / 1000;
  char text[48];
  if (s >= 86400) std::snprintf(text, sizeof text, "%" PRId64 "d%02" PRId64 "h", s / 86400, s % 86400 / 3600);
  else if (s >= 3600) std::snprintf(text, sizeof text, "%" PRId64 "h%02" PRId64 "m", s / 3600, s % 3600 / 60);
  else std::snprintf(text, sizeof text, "%" PRId64 "m%02" PRId64 "s", s / 60, s % 60);
  return text;
}

namespace {

// "PERSPECTIVE_INBOUND" -> "inbound": the enum names without their prefix.
template <typename Enum>
std::string enum_text(const google::protobuf::EnumDescriptor* d, Enum value, const char* prefix) {
  const auto* v = d->FindValueByNumber(static_cast<int>(value));
  if (v == nullptr) return "?";
  std::string name = v->name().substr(std::string(prefix).size());
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

}  // namespace

std::string text_of(v1::Perspective p) { return enum_text(v1::Perspective_descriptor(), p, "PERSPECTIVE_"); }
std::string text_of(v1::Severity s) { return enum_text(v1::Severity_descriptor(), s, "SEVERITY_"); }
std::string text_of(v1::AlertStatus s) { return enum_text(v1::AlertStatus_descriptor(), s, "ALERT_STATUS_"); }
std::string text_of(v1::CounterKind k) { return enum_text(v1::CounterKind_descriptor(), k, "COUNTER_KIND_"); }

}  // namespace synwatch::ctl
