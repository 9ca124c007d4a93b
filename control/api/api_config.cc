#include "control/api/api_config.h"

#include "control/metrics/metrics_config.h"
#include "dataplane/common/setting_bounds.h"

namespace synwatch::control {

bool is_loopback_listen(const std::string& listen) {
  ListenAddress a;
  if (!parse_listen(listen, a).empty()) return false;
  return a.ipv6 ? a.host == "::1" : a.host.rfind("127.", 0) == 0;
}

std::string ApiConfig::validate() const {
  if (!listen.empty()) {
    ListenAddress unused;
    if (std::string problem = parse_listen(listen, unused); !problem.empty()) return "listen: " + problem;
    if (!tls() && !is_loopback_listen(listen))
      return "listen: " + listen + " is not a loopback address; serving the API beyond this host needs api.tls";
  }
  if (tls_cert.empty() != tls_key.empty()) return "tls: cert and key go together";
  if (!tls_client_ca.empty() && !tls()) return "tls.client_ca: needs tls.cert and tls.key";
  for (size_t i = 0; i < tokens.size(); ++i) {
    const std::string field = "tokens[" + std::to_string(i) + "]";
    if (tokens[i].name.empty()) return field + ".name: must not be empty";
    if (tokens[i].secret.size() < 16) return field + ".file: the token must be at least 16 characters";
    for (size_t j = 0; j < i; ++j)
      if (tokens[j].name == tokens[i].name) return field + ".name: '" + tokens[i].name + "' is used twice";
  }
  return check_bounds(bounds());
}

std::vector<SettingBound> ApiConfig::bounds() const {
  return {{"alert_history", alert_history, 16, 1000000},
          {"max_subscribers", max_subscribers, 1, 256},
          {"subscriber_stall_s", subscriber_stall_s, 1, 3600},
          {"recent_sessions", recent_sessions, 1024, 4194304},
          {"top_keys", top_keys, 64, 65536}};
}

}  // namespace synwatch::control
