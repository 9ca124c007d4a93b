#include "dataplane/detect/detect_config.h"

#include <algorithm>

#include "dataplane/common/setting_bounds.h"

namespace synwatch::detect {
namespace {

// Checks one parameter set against the bounds its visit() declares.
class BoundsCheck {
 public:
  explicit BoundsCheck(std::string prefix) : prefix_(std::move(prefix)) {}
  void operator()(const char*, bool&, const char*) {}
  void operator()(const char* name, uint32_t& v, uint32_t min, uint32_t max, const char*) {
    if (problem.empty() && (v < min || v > max))
      problem = prefix_ + name + ": " + std::to_string(v) + " is outside " +
                std::to_string(min) + ".." + std::to_string(max);
  }
  void operator()(const char* name, double& v, double min, double max, const char*) {
    if (problem.empty() && !(v >= min && v <= max))
      problem = prefix_ + name + ": " + std::to_string(v) + " is outside " +
                std::to_string(min) + ".." + std::to_string(max);
  }
  std::string problem;

 private:
  std::string prefix_;
};

// Settings that relate two fields, or a field to the merge interval.
std::string check_relations(const std::string& field, FailedSessionsParams& p, uint32_t interval_s) {
  if (p.bucket_s % interval_s != 0)
    return field + "bucket_s: " + std::to_string(p.bucket_s) + " is not a multiple of interval_s (" +
           std::to_string(interval_s) + ")";
  return {};
}
std::string check_relations(const std::string& field, ScannerParams& p, uint32_t) {
  if (p.theta1 >= p.theta0) return field + "theta1: must be below theta0";
  if (p.alpha >= p.beta) return field + "alpha: must be below beta";
  return {};
}
template <typename P>
std::string check_window(const std::string& field, P& p, uint32_t interval_s) {
  if constexpr (requires { p.window_s; }) {
    if (p.window_s < interval_s)
      return field + "window_s: " + std::to_string(p.window_s) + " is shorter than interval_s (" +
             std::to_string(interval_s) + ")";
  }
  return {};
}
template <typename P>
std::string check_relations(const std::string& field, P& p, uint32_t interval_s) {
  return check_window(field, p, interval_s);
}

}  // namespace

std::vector<SettingBound> DetectConfig::bounds() const {
  return {
      {"interval_s", interval_s, 1, 3600},
      {"keys_per_interval", keys_per_interval, 64, 1u << 24},
      {"contacts", contacts, 64, 1u << 28},
      {"tracked_keys", tracked_keys, 64, 1u << 24},
      {"partitions", partitions, 16, 1u << 22},
      {"update_every_s", update_every_s, 1, 86400},
      {"snapshot_every_s", snapshot_every_s, 10, 86400},
  };
}

std::string DetectConfig::validate() const {
  if (std::string problem = check_bounds(bounds()); !problem.empty()) return problem;
  for (size_t i = 0; i < login_ports.size(); ++i)
    if (login_ports[i] == 0) return "login_ports[" + std::to_string(i) + "]: 0 is not a port";
  std::string problem;
  DetectConfig copy = *this;  // visit() takes mutable fields
  for_each_detector(copy, [&](const char* name, auto& per_perspective) {
    for (size_t p = 0; p + 1 < per_perspective.size() && problem.empty(); ++p) {
      const std::string field = std::string(name) + "." +
                                std::string(session::perspective_name(static_cast<session::Perspective>(p))) + ".";
      BoundsCheck check(field);
      per_perspective[p].visit(check);
      problem = check.problem;
      if (problem.empty()) problem = check_relations(field, per_perspective[p], interval_s);
    }
  });
  return problem;
}

DetectConfig DetectConfig::share(uint32_t shards) const {
  DetectConfig c = *this;
  const uint32_t n = std::max<uint32_t>(shards, 1);
  c.keys_per_interval = std::max<uint32_t>(keys_per_interval / n, 64);
  c.contacts = std::max<uint32_t>(contacts / n, 64);
  return c;
}

}  // namespace synwatch::detect
