#include "control/config/config_diff.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>

#include "dataplane/detect/detect_config.h"

namespace synwatch::config {

namespace {

void flatten(const YAML::Node& n, const std::string& path, std::map<std::string, std::string>& out) {
  if (n.IsMap()) {
    for (const auto& kv : n) flatten(kv.second, (path.empty() ? "" : path + ".") + kv.first.as<std::string>(), out);
  } else if (n.IsSequence()) {
    for (size_t i = 0; i < n.size(); ++i) flatten(n[i], path + "[" + std::to_string(i) + "]", out);
    if (n.size() == 0) out[path] = "[]";
  } else if (n.IsScalar()) {
    out[path] = n.Scalar();
  } else if (!path.empty()) {  // a null setting; an empty document has none
    out[path] = "~";
  }
}

bool leaves(const std::string& yaml, std::map<std::string, std::string>& out) {
  try {
    flatten(YAML::Load(yaml), "", out);
    return true;
  } catch (const YAML::Exception&) {
    return false;
  }
}

}  // namespace

std::vector<std::string> changed_settings(const std::string& old_yaml, const std::string& new_yaml) {
  std::map<std::string, std::string> a, b;
  if (!leaves(old_yaml, a) || !leaves(new_yaml, b)) return {""};
  std::vector<std::string> changed;
  for (const auto& [path, value] : a) {
    auto it = b.find(path);
    if (it == b.end() || it->second != value) changed.push_back(path);
  }
  for (const auto& [path, value] : b)
    if (a.find(path) == a.end()) changed.push_back(path);
  std::sort(changed.begin(), changed.end());
  return changed;
}

namespace {

// The worker settings: the YAML path each starts with, and where it lives.
struct WorkerSetting {
  const char* path;
  void (*take)(const SynwatchConfig& from, SynwatchConfig& to);
};
constexpr WorkerSetting kWorkerSettings[] = {
    {"sessions.internal_prefixes", [](const SynwatchConfig& f, SynwatchConfig& t) { t.sessions.internal = f.sessions.internal; }},
    {"sessions.external_prefixes", [](const SynwatchConfig& f, SynwatchConfig& t) { t.sessions.external = f.sessions.external; }},
    {"sessions.services", [](const SynwatchConfig& f, SynwatchConfig& t) { t.sessions.services = f.sessions.services; }},
    {"decoder.sampling_overrides",
     [](const SynwatchConfig& f, SynwatchConfig& t) { t.decoder.sampling_overrides = f.decoder.sampling_overrides; }},
    {"signatures", [](const SynwatchConfig& f, SynwatchConfig& t) { t.signatures = f.signatures; }},
};

// `path` is `setting` or one of its elements ("sessions.services[2]").
bool under(const std::string& path, std::string_view setting) {
  return path.rfind(setting, 0) == 0 && (path.size() == setting.size() || path[setting.size()] == '[' ||
                                         path[setting.size()] == '.');
}

}  // namespace

bool applies_to_workers(const std::string& path) {
  for (const auto& s : kWorkerSettings)
    if (under(path, s.path)) return true;
  return false;
}

bool take_worker_settings(const std::vector<std::string>& changed, const SynwatchConfig& from_file,
                          SynwatchConfig& running) {
  bool any = false;
  for (const auto& s : kWorkerSettings)
    for (const std::string& path : changed)
      if (under(path, s.path)) {
        s.take(from_file, running);
        any = true;
        break;
      }
  return any;
}

bool applies_live(const std::string& path) {
  if (applies_to_workers(path)) return true;
  constexpr std::string_view prefix = "detectors.";
  if (path.rfind(prefix, 0) != 0) return false;
  const std::string rest = path.substr(prefix.size());
  const std::string first = rest.substr(0, rest.find_first_of(".["));
  if (first == "allowlist" || first == "update_every_s") return true;
  bool detector = false;
  detect::DetectConfig names;
  detect::for_each_detector(names, [&](const char* name, auto&) { detector = detector || first == name; });
  return detector;
}

}  // namespace synwatch::config
