#include "dataplane/session/session_shards.h"

#include "dataplane/session/session_key.h"

namespace synwatch::session {

SessionShards::SessionShards(uint32_t shards, const SessionConfig& config, SessionSink& sink)
    : SessionShards(std::vector<SessionSink*>(shards, &sink), config) {}

SessionShards::SessionShards(const std::vector<SessionSink*>& sinks, const SessionConfig& config)
    : per_shard_(config.share(static_cast<uint32_t>(sinks.size()))),
      perspective_(config.internal, config.external) {
  for (SessionSink* sink : sinks)
    tables_.push_back(std::make_unique<SessionTable>(per_shard_, perspective_, *sink));
}

void SessionShards::on_record(const decode::FlowRecord& r) {
  if (r.export_ms > watermark_ms_) {
    // Each new second of export time reaches every shard, not just the one this record
    // goes to, so shards without records still decide their sessions (and detectors
    // see every shard's clock move) exactly as a single table would.
    const bool new_second = r.export_ms / 1000 != watermark_ms_ / 1000;
    watermark_ms_ = r.export_ms;
    if (new_second && tables_.size() > 1)
      for (auto& t : tables_) t->advance(watermark_ms_);
  }
  const size_t shard = host_pair_hash(r.src, r.dst) % tables_.size();
  tables_[shard]->apply(r, watermark_ms_);
}

void SessionShards::finish() {
  for (auto& t : tables_) t->advance(watermark_ms_);
  for (auto& t : tables_) t->flush();
}

SessionCounters SessionShards::counters() const {
  SessionCounters total;
  for (const auto& t : tables_) total.merge(t->counters());
  return total;
}

}  // namespace synwatch::session
