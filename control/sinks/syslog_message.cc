#include "control/sinks/syslog_message.h"

#include <cinttypes>
#include <cstdio>
#include <ctime>

namespace synwatch::sinks {
namespace {

// RFC 5424 section 6.3.3: inside PARAM-VALUE, '"', '\' and ']' are escaped.
void append_param(std::string& out, const char* name, std::string_view value) {
  out += ' ';
  out += name;
  out += "=\"";
  for (char c : value) {
    if (c == '"' || c == '\\' || c == ']') out += '\\';
    out += c;
  }
  out += '"';
}

void append_param(std::string& out, const char* name, uint64_t value) {
  append_param(out, name, std::to_string(value));
}

void append_param(std::string& out, const char* name, int64_t value) {
  append_param(out, name, std::to_string(value));
}

void append_param(std::string& out, const char* name, double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", value);
  append_param(out, name, std::string_view(text));
}

// RFC 3339 with milliseconds, UTC: 2026-11-21T09:30:00.123Z.
std::string timestamp(int64_t ms) {
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[96];  // room for any int the compiler cannot rule out
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(ms % 1000));
  return text;
}

// A header field: its text, or the NILVALUE when empty.
std::string_view or_nil(std::string_view s) { return s.empty() ? std::string_view("-") : s; }

}  // namespace

uint32_t syslog_severity(const detect::Alert& alert) {
  if (alert.status == detect::AlertStatus::kResolved) return 6;
  switch (alert.severity) {
    case detect::Severity::kCritical:
      return 2;
    case detect::Severity::kMajor:
      return 3;
    case detect::Severity::kMinor:
      return 4;
    case detect::Severity::kWarning:
      break;
  }
  return 5;
}

std::string syslog_message(const detect::Alert& a, const SyslogIdentity& who, int64_t now_ms) {
  std::string m = "<" + std::to_string(who.facility * 8 + syslog_severity(a)) + ">1 ";
  m += timestamp(now_ms);
  m += ' ';
  m += or_nil(who.hostname);
  m += ' ';
  m += or_nil(who.app_name);
  m += ' ';
  m += who.procid == 0 ? std::string("-") : std::to_string(who.procid);
  m += ' ';
  m += or_nil(a.detector.substr(0, 32));  // MSGID: at most 32 characters
  m += " [";
  m += kSyslogSdId;
  append_param(m, "id", a.id);
  append_param(m, "status", detect::status_name(a.status));
  append_param(m, "severity", detect::severity_name(a.severity));
  append_param(m, "score", a.score);
  append_param(m, "perspective", session::perspective_name(a.perspective));
  if (a.source.is_set()) append_param(m, "source", a.source.to_string());
  if (a.target.is_set()) append_param(m, "target", a.target.to_string());
  if (a.port != 0) append_param(m, "port", uint64_t{a.port});
  append_param(m, "count", a.count);
  append_param(m, "baseline", a.baseline);
  append_param(m, "start_ms", a.start_ms);
  append_param(m, "end_ms", a.end_ms);
  m += "] ";
  // MSG without a BOM is "any" encoding; keep it printable ASCII so no collector
  // splits or mangles it.
  for (char c : a.summary) m += (c >= 32 && c < 127) ? c : ' ';
  return m;
}

}  // namespace synwatch::sinks
