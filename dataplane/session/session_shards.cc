#include "dataplane/session/session_shards.h"

#include "dataplane/session/session_key.h"

namespace synwatch::session {

SessionShards::SessionShards(uint32_t shards, const SessionConfig& config, SessionSink& sink)
    : per_shard_(config.share(shards)), perspective_(config.internal, config.external) {
  for (uint32_t i = 0; i < shards; ++i)
    tables_.push_back(std::make_unique<SessionTable>(per_shard_, perspective_, sink));
}

void SessionShards::on_record(const decode::FlowRecord& r) {
  if (r.export_ms > watermark_ms_) watermark_ms_ = r.export_ms;
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
