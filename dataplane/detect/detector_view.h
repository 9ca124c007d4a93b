// What the control plane may see of the detectors and ask of them (the API's Detectors
// service): their state, the learnt baselines per partition, and which partitions to
// forget. Plain types: the engine fills them on the detection thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dataplane/detect/partial_keys.h"

namespace synwatch::detect {

// Partitions (host, port, perspective) to show or forget; unset fields match all.
struct PartitionFilter {
  wire::IpAddress host;  // unset: any
  uint16_t port = 0;     // 0: any
  std::optional<session::Perspective> perspective;
  bool empty() const { return !host.is_set() && port == 0 && !perspective; }
  bool matches(const HostPortKey& k) const {
    return (!host.is_set() || k.host == host) && (port == 0 || k.port == port) &&
           (!perspective || *perspective == k.perspective);
  }
};

// One partition's learnt baseline.
struct PartitionBaseline {
  HostPortKey key;
  double expected = 0;    // what the detector expects next (its unit: DetectorSummary)
  double dispersion = 0;  // over-dispersion phi of its counts; 0 where not modelled
  uint32_t learnt = 0;    // buckets learnt from; 0 where not counted
  bool warm = true;       // enough learnt to judge
  int64_t last_ms = 0;    // flow time it was last fed
};

struct DetectorSummary {
  std::string name;
  bool enabled = false;        // for at least one perspective
  uint32_t tracked_keys = 0;   // keys the detector holds state for
  uint64_t keys_evicted = 0;   // given up at the tracking bound, since start
  uint32_t open_alerts = 0;
  uint32_t baselines = 0;      // partitions with a learnt baseline
  uint32_t warm = 0;           // of them, warm
  std::string baseline_unit;   // "" for detectors without baselines
};

struct BaselineList {
  std::vector<PartitionBaseline> rows;  // the largest expected first, then by key
  uint32_t matched = 0;                 // before the limit
  std::string unit;
};

}  // namespace synwatch::detect
