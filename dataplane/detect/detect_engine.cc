#include "dataplane/detect/detect_engine.h"

#include <algorithm>

namespace synwatch::detect {

namespace {

// At most this many merged intervals wait for slow shards; later ones join the newest.
constexpr size_t kMaxPending = 8;

// The longest window or quiet time of any detector, in intervals.
int64_t longest_window_of(const DetectConfig& config) {
  int64_t longest = 1;
  const Interval unit{0, int64_t{config.interval_s} * 1000};
  for_each_detector(config, [&](const char*, const auto& per_perspective) {
    for (const auto& p : per_perspective) {
      if constexpr (requires { p.window_s; }) longest = std::max(longest, unit.count_of(p.window_s));
      if constexpr (requires { p.quiet_s; }) longest = std::max(longest, unit.count_of(p.quiet_s));
    }
  });
  return longest;
}

}  // namespace

DetectEngine::DetectEngine(const DetectConfig& config, uint32_t shards, AlertSink& sink)
    : config_(config),
      shards_(std::max<uint32_t>(shards, 1)),
      sink_(sink),
      longest_window_(longest_window_of(config)),
      book_(config.tracked_keys, int64_t{config.update_every_s} * 1000),
      allow_(config.allowlist),
      reporter_(book_, allow_),
      detectors_(make_detectors(config_)),
      through_(shards_, -1),
      returned_(shards_),
      empty_(std::make_unique<IntervalPartial>(64, config_)) {
  // The partial the first interval merges into is made now, with the shards' own: its
  // tables are tens of MiB, and made on first use they would fault in on the control
  // core while the dataplane runs. More are made only while shards lag behind.
  spare_.push_back(std::make_unique<IntervalPartial>(merged_keys(), config_));
}

DetectEngine::~DetectEngine() = default;

// Room for every key of every shard's table: a merge then never evicts, and the merged
// sums do not depend on the order the shards' partials arrive in.
uint32_t DetectEngine::merged_keys() const {
  return config_.share(shards_).keys_per_interval * shards_;
}

IntervalPartial& DetectEngine::pending_for(int64_t interval) {
  auto it = pending_.find(interval);
  if (it != pending_.end()) return *it->second;
  if (pending_.size() >= kMaxPending) return *pending_.rbegin()->second;
  std::unique_ptr<IntervalPartial> p;
  if (!spare_.empty()) {
    p = std::move(spare_.back());
    spare_.pop_back();
    p->clear();
  } else {
    p = std::make_unique<IntervalPartial>(merged_keys(), config_);
  }
  p->interval = interval;
  return *pending_.emplace(interval, std::move(p)).first->second;
}

bool DetectEngine::publish(uint32_t shard, IntervalPartial* partial, int64_t through) {
  if (partial != nullptr) {
    // A partial for an interval already evaluated (a shard far behind) joins the next one.
    const int64_t k = next_ >= 0 ? std::max(partial->interval, next_) : partial->interval;
    if (next_ < 0) next_ = k;
    pending_for(k).merge(*partial);
    returned_[shard].push_back(partial);
  }
  through_[shard] = std::max(through_[shard], through);
  evaluate_ready(*std::min_element(through_.begin(), through_.end()));
  return true;
}

IntervalPartial* DetectEngine::reclaim(uint32_t shard) {
  if (returned_[shard].empty()) return nullptr;
  IntervalPartial* p = returned_[shard].back();
  returned_[shard].pop_back();
  return p;
}

void DetectEngine::evaluate_ready(int64_t through) {
  if (next_ < 0) {
    if (pending_.empty()) return;
    next_ = pending_.begin()->first;
  }
  // Empty intervals still run the detectors (windows slide, alerts resolve), but a long
  // gap in flow time is crossed in one step once every window has emptied.
  int64_t empty_run = 0;
  while (next_ <= through) {
    auto it = pending_.find(next_);
    if (it != pending_.end()) {
      it->second->sort_by_hash();
      evaluate(next_, *it->second);
      spare_.push_back(std::move(it->second));
      pending_.erase(it);
      empty_run = 0;
    } else if (++empty_run <= longest_window_ + 1) {
      evaluate(next_, *empty_);
    } else {
      const int64_t resume = pending_.empty() ? through : std::min(through, pending_.begin()->first - 1);
      counters_.add(EngineCounter::detect_intervals_skipped, static_cast<uint64_t>(resume - next_ + 1));
      next_ = resume + 1;
      continue;
    }
    ++next_;
  }
}

void DetectEngine::evaluate(int64_t interval, const IntervalPartial& merged) {
  const Interval at{interval, int64_t{config_.interval_s} * 1000};
  reporter_.use_interval(&merged);
  for (auto& d : detectors_) d->evaluate(merged, at, reporter_);
  reporter_.use_interval(nullptr);
  book_.close_interval(at.end_ms(), sink_);
  counters_.add(EngineCounter::detect_intervals);
}

void DetectEngine::finish() {
  int64_t last = *std::max_element(through_.begin(), through_.end());
  if (!pending_.empty()) last = std::max(last, pending_.rbegin()->first);
  std::fill(through_.begin(), through_.end(), last);
  evaluate_ready(last);
}

std::string DetectEngine::snapshot() const {
  SnapshotWriter w;
  for (const auto& d : detectors_)
    if (d->has_snapshot()) w.section(d->name(), [&](SnapshotWriter& section) { d->save(section); });
  return snapshot_file_bytes(config_.interval_s, w.bytes());
}

std::string DetectEngine::restore(const std::string& file, std::string& restored) {
  wire::ByteCursor sections;
  if (std::string error = open_snapshot(file, config_.interval_s, sections); !error.empty()) return error;
  // Into fresh detectors, swapped in only when every section reads back.
  std::vector<std::unique_ptr<Detector>> fresh = make_detectors(config_);
  std::string summary;
  while (!sections.empty()) {
    uint8_t name_length = 0;
    const uint8_t* name = nullptr;
    uint32_t length = 0;
    wire::ByteCursor payload;
    if (!sections.read_u8(name_length) || !sections.read_bytes(name_length, name) || !sections.read_u32(length) ||
        !sections.take(length, payload))
      return "truncated section";
    const std::string_view section(reinterpret_cast<const char*>(name), name_length);
    for (auto& d : fresh) {
      if (d->name() != section || !d->has_snapshot()) continue;  // a section no detector here has: skipped
      SnapshotReader r(payload);
      uint32_t entries = 0;
      if (!d->restore(r, entries)) return "section " + std::string(section) + ": malformed or out of range";
      summary += (summary.empty() ? "" : ", ") + std::to_string(entries) + " of " + std::string(section);
    }
  }
  detectors_ = std::move(fresh);
  restored = summary.empty() ? "nothing" : summary;
  return "";
}

size_t DetectEngine::snapshot_limit() const {
  // Generous per entry: a failed_sessions model is under 1 KiB, a baseline under 64 bytes.
  return size_t{config_.partitions} * 1024 + size_t{config_.tracked_keys} * 128 + (1u << 20);
}

EngineCounters DetectEngine::counters() const {
  EngineCounters c = counters_;
  c.add(EngineCounter::alerts_sent, book_.sent());
  c.add(EngineCounter::alerts_opened, book_.opened());
  c.add(EngineCounter::alerts_suppressed, reporter_.suppressed());
  c.add(EngineCounter::alerts_untracked, book_.dropped());
  for (const auto& d : detectors_) c.add(EngineCounter::detect_tracked_keys_evicted, d->keys_evicted());
  c.add(EngineCounter::detect_tracked_keys_evicted, evicted_before_reset_);
  return c;
}

Detector* DetectEngine::find(std::string_view name) const {
  for (const auto& d : detectors_)
    if (d->name() == name) return d.get();
  return nullptr;
}

Interval DetectEngine::last_interval() const {
  return {std::max<int64_t>(next_ - 1, 0), int64_t{config_.interval_s} * 1000};
}

void DetectEngine::reconfigure(const DetectConfig& next) {
  DetectConfig c = next;
  c.enabled = config_.enabled;
  c.interval_s = config_.interval_s;
  c.keys_per_interval = config_.keys_per_interval;
  c.contacts = config_.contacts;
  c.tracked_keys = config_.tracked_keys;
  c.partitions = config_.partitions;
  c.snapshot_path = config_.snapshot_path;
  c.snapshot_every_s = config_.snapshot_every_s;
  c.login_ports = config_.login_ports;
  // Assigned in place: the detectors and partials hold references to config_.
  config_ = std::move(c);
  allow_ = Allowlist(config_.allowlist);
  book_.set_update_every(int64_t{config_.update_every_s} * 1000);
  longest_window_ = longest_window_of(config_);
}

int64_t DetectEngine::evaluated_through_ms() const { return next_ > 0 ? last_interval().end_ms() : 0; }

std::vector<DetectorSummary> DetectEngine::summaries() const {
  std::vector<DetectorSummary> out;
  for_each_detector(config_, [&](const char* name, const auto& per_perspective) {
    const Detector* d = find(name);
    if (d == nullptr) return;
    DetectorSummary s;
    s.name = name;
    for (const auto& p : per_perspective) s.enabled = s.enabled || p.enabled;
    s.tracked_keys = d->tracked_keys();
    s.keys_evicted = d->keys_evicted();
    s.open_alerts = book_.open_count(name);
    s.baseline_unit = d->baseline_unit();
    std::vector<PartitionBaseline> rows;
    d->baselines({}, last_interval(), rows);
    s.baselines = static_cast<uint32_t>(rows.size());
    for (const auto& r : rows) s.warm += r.warm ? 1 : 0;
    out.push_back(std::move(s));
  });
  return out;
}

std::string DetectEngine::baselines(std::string_view detector, const PartitionFilter& filter, uint32_t limit,
                                    BaselineList& out) const {
  const Detector* d = find(detector);
  if (d == nullptr) return "detector: '" + std::string(detector) + "' is not a detector";
  out = {};
  out.unit = d->baseline_unit();
  d->baselines(filter, last_interval(), out.rows);
  // The largest first, where an operator looks; the key breaks ties, so the order is fixed.
  std::sort(out.rows.begin(), out.rows.end(), [](const auto& a, const auto& b) {
    return a.expected != b.expected ? a.expected > b.expected : a.key < b.key;
  });
  out.matched = static_cast<uint32_t>(out.rows.size());
  if (out.rows.size() > limit) out.rows.resize(limit);
  return {};
}

std::string DetectEngine::reset(std::string_view detector, const PartitionFilter& filter, uint32_t& forgotten) {
  for (auto& d : detectors_) {
    if (d->name() != detector) continue;
    if (filter.empty()) {
      forgotten = d->tracked_keys();
      evicted_before_reset_ += d->keys_evicted();
      d = make_detector(config_, detector);
      return {};
    }
    if (d->baseline_unit().empty())
      return "filter: " + std::string(detector) + " keeps no baselines per partition; reset it whole";
    forgotten = d->forget(filter);
    return {};
  }
  return "detector: '" + std::string(detector) + "' is not a detector";
}

}  // namespace synwatch::detect
