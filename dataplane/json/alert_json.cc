#include "dataplane/json/alert_json.h"

#include <string>

#include "dataplane/signature/label_registry.h"

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
  if (!a.labels.empty()) {
    // Label names are letters, digits and - _ . : / (signature_config.h): nothing to escape.
    std::string labels = "{";
    for (const auto& [label, sessions] : a.labels) {
      if (labels.size() > 1) labels += ',';
      labels += '"';
      labels += signature::LabelRegistry::instance().name(label);
      labels += "\":" + std::to_string(sessions);
    }
    line.json_field("labels", labels + "}");
  }
  return line.finish();
}

}  // namespace synwatch::json
