#include "dataplane/json/alert_json.h"

namespace synwatch::json {

std::string_view alert_to_json(const detect::Alert& a, JsonLine& line) {
  line.field("id", std::string_view(a.id))
      .field("detector", a.detector)
      .field("severity", detect::severity_name(a.severity))
      .field("score", a.score)
      .field("perspective", session::perspective_name(a.perspective));
  if (a.source.is_set()) line.field("source", a.source);
  else line.null_field("source");
  if (a.target.is_set()) line.field("target", a.target);
  else line.null_field("target");
  if (a.port != 0) line.field("port", a.port);
  else line.null_field("port");
  line.field("start_ms", a.start_ms)
      .field("end_ms", a.end_ms)
      .field("count", a.count)
      .field("baseline", a.baseline)
      .field("status", detect::status_name(a.status))
      .field("summary", std::string_view(a.summary))
      .json_field("evidence", a.evidence);
  return line.finish();
}

}  // namespace synwatch::json
