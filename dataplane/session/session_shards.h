// SessionShards: N session tables keyed by the unordered host pair, run in one thread
// (the offline replay; the daemon gives each worker its own table). It keeps the export
// watermark for all of them, so the sessions it decides are the same for any N.
#pragma once

#include <memory>
#include <vector>

#include "dataplane/decode/flow_record.h"
#include "dataplane/session/session_table.h"

namespace synwatch::session {

class SessionShards : public decode::RecordSink {
 public:
  SessionShards(uint32_t shards, const SessionConfig& config, SessionSink& sink);
  // Each shard with its own sink (`sinks.size()` shards): the detectors' per-shard state.
  SessionShards(const std::vector<SessionSink*>& sinks, const SessionConfig& config);

  void on_record(const decode::FlowRecord& r) override;
  // End of input: every shard catches up with the watermark, then decides the rest.
  void finish();

  SessionCounters counters() const;
  const SessionTable& shard(size_t i) const { return *tables_[i]; }

 private:
  SessionConfig per_shard_;
  PerspectiveMap perspective_;
  std::vector<std::unique_ptr<SessionTable>> tables_;
  int64_t watermark_ms_ = 0;
};

}  // namespace synwatch::session
