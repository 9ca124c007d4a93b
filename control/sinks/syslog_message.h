// One alert event as an RFC 5424 syslog message:
//
//   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [synwatch@32473 ...] SUMMARY
//
// PRI is the configured facility and a severity from the alert's (critical 2, major 3,
// minor 4, warning 5; a resolved alert is informational, 6). MSGID is the detector.
// The structured data carries the alert's fields (DESIGN.md section 5, evidence aside)
// so collectors can filter without parsing text; 32473 is the example enterprise
// number of RFC 5612, as synwatch has no IANA number of its own. MSG is the summary,
// plain ASCII. No framing: the sender adds what its transport needs.
#pragma once

#include <cstdint>
#include <string>

#include "dataplane/detect/alert.h"

namespace synwatch::sinks {

inline constexpr const char* kSyslogSdId = "synwatch@32473";

struct SyslogIdentity {
  uint32_t facility = 16;
  std::string hostname;  // "" is the NILVALUE "-"
  std::string app_name = "synwatch";
  uint32_t procid = 0;   // 0 is "-"
};

uint32_t syslog_severity(const detect::Alert& alert);
// `now_ms`: the TIMESTAMP, milliseconds since the epoch (UTC).
std::string syslog_message(const detect::Alert& alert, const SyslogIdentity& who, int64_t now_ms);

}  // namespace synwatch::sinks
