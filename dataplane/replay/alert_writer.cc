#include "dataplane/replay/alert_writer.h"

#include "dataplane/json/alert_json.h"

namespace synwatch::replay {

void AlertWriter::on_alert(const detect::Alert& a) {
  if (out_ != nullptr) {
    json::JsonLine line;
    const auto text = json::alert_to_json(a, line);
    std::fwrite(text.data(), 1, text.size(), out_);
  }
  switch (a.status) {
    case detect::AlertStatus::kOpen:
      ++opened_[std::string(a.detector)];
      break;
    case detect::AlertStatus::kUpdate:
      ++updates_;
      break;
    case detect::AlertStatus::kResolved:
      ++resolved_;
      break;
  }
}

void AlertWriter::print_summary(std::FILE* out) const {
  uint64_t opened = 0;
  std::string by;
  for (const auto& [detector, n] : opened_) {
    opened += n;
    by += (by.empty() ? "" : ", ") + detector + " " + std::to_string(n);
  }
  std::fprintf(out, "alerts: %llu opened%s%s%s, %llu updates, %llu resolved\n",
               static_cast<unsigned long long>(opened), by.empty() ? "" : " (", by.c_str(), by.empty() ? "" : ")",
               static_cast<unsigned long long>(updates_), static_cast<unsigned long long>(resolved_));
}

}  // namespace synwatch::replay
