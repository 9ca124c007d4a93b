// Detector settings (DESIGN.md section 4). Every number is configurable; the ones that
// depend on where traffic comes from are set per perspective: a detector's settings
// apply to all four perspectives, and a perspective may override any of them.
//
// Each parameter set lists its fields once, in visit(), with their bounds: the
// configuration parser, validation and the operator reference all read that list.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "dataplane/common/setting_bounds.h"
#include "dataplane/session/perspective.h"

namespace synwatch::detect {

// visit(f) calls f(name, field, min, max, meaning) for numbers and f(name, field, meaning)
// for switches.
struct FailedSessionsParams {
  bool enabled = true;
  uint32_t bucket_s = 60;
  uint32_t rollup_buckets = 15;
  uint32_t warmup_buckets = 4;
  uint32_t min_failed = 5;
  double level_halflife_buckets = 15;
  double season_halflife_weeks = 2;
  double update_clip = 3;
  double cusum_ratio = 4;
  double min_dispersion = 0.05;
  double min_score = 50;
  template <typename F>
  void visit(F&& f) {
    f("enabled", enabled, "run this detector");
    f("bucket_s", bucket_s, 10u, 3600u, "count bucket, in flow time; a multiple of interval_s");
    f("rollup_buckets", rollup_buckets, 1u, 1440u,
      "buckets summed in the roll-up (15: a quarter hour)");
    f("warmup_buckets", warmup_buckets, 1u, 10080u,
      "non-empty buckets a partition needs before any score");
    f("min_failed", min_failed, 1u, 1000000u,
      "a client below this many failures in bucket and roll-up is not scored");
    f("level_halflife_buckets", level_halflife_buckets, 1.0, 1e6,
      "EWMA half-life of the level, the dispersion and each client's usual ratio, in non-empty "
      "buckets");
    f("season_halflife_weeks", season_halflife_weeks, 0.5, 520.0,
      "EWMA half-life of each hour-of-week factor");
    f("update_clip", update_clip, 1.0, 1000.0,
      "a count teaches the model at most this many times the baseline");
    f("cusum_ratio", cusum_ratio, 1.5, 100.0,
      "the CUSUM's alternative: a client at this many times its usual");
    f("min_dispersion", min_dispersion, 0.001, 10.0,
      "over-dispersion floor (1/size of the negative binomial)");
    f("min_score", min_score, 0.0, 100.0, "lower scores raise nothing (50: major and up)");
  }
};

struct ServiceUnavailableParams {
  bool enabled = true;
  uint32_t window_s = 60;
  uint32_t min_failed = 10;
  template <typename F>
  void visit(F&& f) {
    f("enabled", enabled, "run this detector");
    f("window_s", window_s, 10u, 86400u, "attempts are counted over this much flow time");
    f("min_failed", min_failed, 1u, 1000000u,
      "failed attempts to one service, with none established, that raise it");
  }
};

struct PortScanParams {
  bool enabled = true;
  uint32_t ports = 15;
  uint32_t window_s = 300;
  uint32_t sampled_ports = 5;
  template <typename F>
  void visit(F&& f) {
    f("enabled", enabled, "run this detector");
    f("ports", ports, 2u, 65535u, "distinct failed ports on one target (Zeek: 15 in 5 min)");
    f("window_s", window_s, 10u, 86400u, "the sliding window, in flow time");
    f("sampled_ports", sampled_ports, 2u, 65535u,
      "sampled input: ports actually seen before an estimate counts");
  }
};

struct HostSweepParams {
  bool enabled = true;
  uint32_t hosts = 25;
  uint32_t window_s = 300;
  template <typename F>
  void visit(F&& f) {
    f("enabled", enabled, "run this detector");
    f("hosts", hosts, 2u, 1000000u, "distinct failed targets on one port (Zeek: 25 in 5 min)");
    f("window_s", window_s, 10u, 86400u, "the sliding window, in flow time");
  }
};

struct ScannerParams {  // Threshold Random Walk (Jung et al. 2004)
  bool enabled = true;
  double theta0 = 0.8;
  double theta1 = 0.2;
  double alpha = 0.01;
  double beta = 0.99;
  // A source that retries its failed services more than this many times each on
  // average is a client with a broken dependency, not a scanner (scanners rarely retry).
  double max_retries = 2;
  uint32_t quiet_s = 300;
  uint32_t idle_s = 3600;
  template <typename F>
  void visit(F&& f) {
    f("enabled", enabled, "run this detector");
    f("theta0", theta0, 0.01, 0.99, "P(a first contact succeeds) for a benign source");
    f("theta1", theta1, 0.01, 0.99, "P(a first contact succeeds) for a scanner; below theta0");
    f("alpha", alpha, 1e-9, 0.5, "false-positive rate aimed at; below beta");
    f("beta", beta, 0.5, 1.0, "detection rate aimed at");
    f("max_retries", max_retries, 0.0, 1e6,
      "average retries per failed contact beyond which a source is a broken client, not a scanner");
    f("quiet_s", quiet_s, 10u, 86400u,
      "an alarm is resolved after this long without first contacts");
    f("idle_s", idle_s, 60u, 604800u,
      "a source's walk is forgotten after this long without contacts");
  }
};

struct StealthScanParams {  // null_scan, xmas_scan and fin_scan alike
  bool enabled = true;
  uint32_t probes = 3;
  uint32_t window_s = 300;
  template <typename F>
  void visit(F&& f) {
    f("enabled", enabled, "run this detector");
    f("probes", probes, 1u, 1000000u, "probes from one source to one target");
    f("window_s", window_s, 10u, 86400u, "the sliding window, in flow time");
  }
};

struct SynFloodParams {
  bool enabled = true;
  uint32_t min_attempts = 200;
  double max_established = 0.1;
  double baseline_factor = 10;
  double baseline_halflife_intervals = 360;
  template <typename F>
  void visit(F&& f) {
    f("enabled", enabled, "run this detector");
    f("min_attempts", min_attempts, 1u, 100000000u,
      "connection attempts to one service in one interval");
    f("max_established", max_established, 0.0, 1.0, "at most this fraction of them completes");
    f("baseline_factor", baseline_factor, 1.0, 1e6,
      "and they exceed the service's usual attempts this many times");
    f("baseline_halflife_intervals", baseline_halflife_intervals, 1.0, 1e7,
      "EWMA half-life of the usual attempts, in intervals (360: one hour of 10 s)");
  }
};

struct BackscatterParams {
  bool enabled = true;
  uint32_t min_sessions = 30;
  uint32_t min_peers = 20;
  uint32_t window_s = 300;
  template <typename F>
  void visit(F&& f) {
    f("enabled", enabled, "run this detector");
    f("min_sessions", min_sessions, 1u, 100000000u,
      "answers nobody asked for (SYN-ACK or RST without a SYN)");
    f("min_peers", min_peers, 1u, 100000000u, "sent to this many distinct addresses");
    f("window_s", window_s, 10u, 86400u, "the sliding window, in flow time");
  }
};

struct BruteForceParams {
  bool enabled = true;
  uint32_t sessions = 20;
  uint32_t window_s = 600;
  template <typename F>
  void visit(F&& f) {
    f("enabled", enabled, "run this detector");
    f("sessions", sessions, 2u, 1000000u,
      "distinct client ports from one client to one login service");
    f("window_s", window_s, 10u, 86400u, "the sliding window, in flow time");
  }
};

template <typename Params>
using PerPerspective = std::array<Params, session::kPerspectiveCount>;

// An address range a detector must not alert on: as the source (known scanners,
// monitoring hosts), as the target (load balancers, honeypots), or either.
struct AllowEntry {
  enum class Role : uint8_t { kSource, kTarget, kAny };
  session::Prefix prefix;
  Role role = Role::kAny;
  std::vector<std::string> detectors;  // empty: all
};

struct DetectConfig {
  bool enabled = true;
  uint32_t interval_s = 10;           // the merge tick, in flow time
  uint32_t keys_per_interval = 8192;  // per table and interval, shared out among shards
  uint32_t contacts = 1u << 20;       // remembered first contacts, shared out among shards
  uint32_t tracked_keys = 1u << 14;   // per detector, on the control side
  uint32_t partitions = 1u << 14;     // failed_sessions models (server, port, perspective)
  uint32_t update_every_s = 60;       // an open alert is re-sent at most this often
  std::string snapshot_path;          // learnt baselines kept here (model_snapshot.h); "": none
  uint32_t snapshot_every_s = 300;    // written this often, on shutdown, read on start
  std::vector<uint16_t> login_ports{22, 23, 3389, 5900};
  std::vector<AllowEntry> allowlist;

  PerPerspective<FailedSessionsParams> failed_sessions{};
  PerPerspective<ServiceUnavailableParams> service_unavailable{};
  PerPerspective<PortScanParams> port_scan{};
  PerPerspective<HostSweepParams> host_sweep{};
  PerPerspective<ScannerParams> scanner{};
  PerPerspective<StealthScanParams> null_scan{}, xmas_scan{}, fin_scan{};
  PerPerspective<SynFloodParams> syn_flood{};
  PerPerspective<BackscatterParams> backscatter{};
  PerPerspective<BruteForceParams> brute_force{};

  // Empty when valid; otherwise "field: reason".
  std::string validate() const;
  // The numeric settings' ranges (setting_bounds.h); each detector's are in its visit().
  std::vector<SettingBound> bounds() const;
  // The configuration of one of `shards` shards sharing this one's bounds.
  DetectConfig share(uint32_t shards) const;
};

// Calls f(name, per_perspective_params) for each detector, in the order of DESIGN.md.
template <typename Config, typename F>
void for_each_detector(Config& c, F&& f) {
  f("failed_sessions", c.failed_sessions);
  f("service_unavailable", c.service_unavailable);
  f("port_scan", c.port_scan);
  f("host_sweep", c.host_sweep);
  f("scanner", c.scanner);
  f("null_scan", c.null_scan);
  f("xmas_scan", c.xmas_scan);
  f("fin_scan", c.fin_scan);
  f("syn_flood", c.syn_flood);
  f("backscatter", c.backscatter);
  f("brute_force", c.brute_force);
}

}  // namespace synwatch::detect
