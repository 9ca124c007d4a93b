// DetectEngine: the control side of detection, the single writer of detector state and
// alerts. Shards hand it their partial of each interval; once every shard has passed an
// interval, the partials are merged (exactly, in any order) and the detectors run over
// the merged interval, in interval order. The result depends only on the sessions and
// their decision times: the same for any number of shards and any replay speed.
//
// Used directly by one thread (the offline replay); the daemon puts rings in between.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/detect/alert_book.h"
#include "dataplane/detect/allowlist.h"
#include "dataplane/detect/detect_counters.h"
#include "dataplane/detect/detector.h"
#include "dataplane/detect/shard_detector.h"

namespace synwatch::detect {


class DetectEngine : public PartialChannel {
 public:
  DetectEngine(const DetectConfig& config, uint32_t shards, AlertSink& sink);
  ~DetectEngine() override;

  bool publish(uint32_t shard, IntervalPartial* partial, int64_t through_interval) override;
  IntervalPartial* reclaim(uint32_t shard) override;

  // Every shard has finished: whatever is pending is evaluated.
  void finish();

  EngineCounters counters() const;
  const DetectConfig& config() const { return config_; }

  // The detectors' learnt state as the bytes of a snapshot file (model_snapshot.h).
  std::string snapshot() const;
  // Restores a snapshot file's bytes: "" and, in `restored`, what came back ("2 of
  // failed_sessions, 40 of syn_flood"); or the reason, and nothing changed.
  std::string restore(const std::string& file, std::string& restored);
  // The largest snapshot the configured bounds can give, for reading one back.
  size_t snapshot_limit() const;

  // For the control plane (detector_view.h); the detection thread calls these.
  std::vector<DetectorSummary> summaries() const;
  // The learnt baselines of `detector`'s partitions matching `filter`, at most `limit`,
  // the largest first; or "detector: ..." when there is no such detector.
  std::string baselines(std::string_view detector, const PartitionFilter& filter, uint32_t limit,
                        BaselineList& out) const;
  // Forgets what `detector` has learnt and tracks: all of it (an empty filter: the
  // detector starts afresh), or the partitions matching `filter` (detectors with
  // baselines only). "" and how many keys went, or "field: reason".
  std::string reset(std::string_view detector, const PartitionFilter& filter, uint32_t& forgotten);
  // Takes `next`'s detector parameters, allowlist and update interval (what
  // config::applies_live() names); its sizes, interval, login ports and snapshot
  // settings are those of a restart and are ignored. Learnt state and open alerts stay.
  void reconfigure(const DetectConfig& next);
  // The end of the last evaluated interval, in flow time; 0 before the first.
  int64_t evaluated_through_ms() const;

 private:
  void evaluate_ready(int64_t through);
  Detector* find(std::string_view name) const;
  Interval last_interval() const;
  void evaluate(int64_t interval, const IntervalPartial& merged);
  IntervalPartial& pending_for(int64_t interval);
  uint32_t merged_keys() const;

  DetectConfig config_;
  uint32_t shards_;
  AlertSink& sink_;
  int64_t longest_window_;  // intervals: after this many empty ones every window is empty
  AlertBook book_;
  Allowlist allow_;
  Reporter reporter_;
  std::vector<std::unique_ptr<Detector>> detectors_;
  std::vector<int64_t> through_;                     // per shard
  std::vector<std::vector<IntervalPartial*>> returned_;
  std::map<int64_t, std::unique_ptr<IntervalPartial>> pending_;
  std::vector<std::unique_ptr<IntervalPartial>> spare_;
  std::unique_ptr<IntervalPartial> empty_;
  int64_t next_ = -1;  // the next interval to evaluate; -1 before any
  EngineCounters counters_;
  uint64_t evicted_before_reset_ = 0;  // keys_evicted of detectors since replaced (counters never fall)
};

}  // namespace synwatch::detect
