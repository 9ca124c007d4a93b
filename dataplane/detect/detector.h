// Detector: one of DESIGN.md section 4's detectors, on the control side. At each
// interval it reads the merged partial, updates its own tracked state (bounded), and
// raises an alert for every key whose condition holds; the AlertBook turns those into
// open / update / resolved.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dataplane/detect/alert_book.h"
#include "dataplane/detect/allowlist.h"
#include "dataplane/detect/detect_config.h"
#include "dataplane/detect/detector_view.h"
#include "dataplane/detect/interval_partial.h"
#include "dataplane/detect/model_snapshot.h"
#include "dataplane/table/bounded_map.h"

namespace synwatch::detect {

struct Interval {
  int64_t index = 0;      // decided_ms / length
  int64_t length_ms = 0;
  int64_t end_ms() const { return (index + 1) * length_ms; }
  // How many intervals `seconds` spans (at least one).
  int64_t count_of(uint32_t seconds) const {
    const int64_t n = (int64_t{seconds} * 1000 + length_ms - 1) / length_ms;
    return n < 1 ? 1 : n;
  }
};

// Gives `a` the signature labels of the interval's sessions behind it: its source's as a
// client, or else its target service's (target and port). Keeps what it has when they
// had none.
void label(Alert& a, const IntervalPartial& merged);

// What a detector may use while evaluating an interval.
class Reporter {
 public:
  Reporter(AlertBook& book, const Allowlist& allow) : book_(book), allow_(allow) {}
  // The interval being evaluated, whose signature labels alerts take.
  void use_interval(const IntervalPartial* merged) { merged_ = merged; }
  // Raises `draft` unless the allowlist covers it. A detector that decides only every
  // few intervals holds its alert open for that many (`hold_intervals`).
  void raise(Alert draft, uint32_t hold_intervals = 1) {
    if (allow_.covers(draft)) {
      ++suppressed_;
      return;
    }
    if (merged_ != nullptr) label(draft, *merged_);
    book_.raise(std::move(draft), hold_intervals);
  }
  const AlertBook& book() const { return book_; }
  uint64_t suppressed() const { return suppressed_; }

 private:
  AlertBook& book_;
  const Allowlist& allow_;
  const IntervalPartial* merged_ = nullptr;
  uint64_t suppressed_ = 0;
};

class Detector {
 public:
  virtual ~Detector() = default;
  virtual std::string_view name() const = 0;
  virtual void evaluate(const IntervalPartial& merged, const Interval& at, Reporter& out) = 0;
  // Keys given up at the tracking bound (tracked_keys).
  virtual uint64_t keys_evicted() const = 0;
  // Keys it holds state for now.
  virtual uint32_t tracked_keys() const = 0;
  // Detectors that learn a baseline per partition (host, port, perspective): what the
  // partitions matching `filter` expect in the bucket or interval after `now`, in
  // baseline_unit(); and forgetting them (the learnt model and the partition's tracked
  // state), returning how many went.
  virtual std::string_view baseline_unit() const { return {}; }
  virtual void baselines(const PartitionFilter& filter, const Interval& now, std::vector<PartitionBaseline>& out) const {
    (void)filter, (void)now, (void)out;
  }
  virtual uint32_t forget(const PartitionFilter& filter) {
    (void)filter;
    return 0;
  }
  // Learnt state worth keeping across a restart (baselines), for model_snapshot.h.
  virtual bool has_snapshot() const { return false; }
  virtual void save(SnapshotWriter&) const {}
  // Reads what save() wrote into this (fresh) detector; false if it does not parse or
  // a value is out of range. `entries` says how many keys came back.
  virtual bool restore(SnapshotReader&, uint32_t& entries) {
    entries = 0;
    return false;
  }
};

// A detector's state per key, bounded: at the bound the key seen longest ago goes
// (counted); keys idle for longer than the detector's window are dropped.
template <typename Key, typename State, typename Hash>
class Tracked {
 public:
  explicit Tracked(uint32_t capacity) : map_(capacity) {}

  State* touch(const Key& key, int64_t interval) {
    Entry* e = map_.find(key);
    if (e == nullptr) {
      if (map_.full()) {
        const int64_t victim = map_.pick_victim(16, [](const Entry& a, const Entry& b) { return a.last < b.last; });
        if (victim >= 0) map_.erase_at(static_cast<uint32_t>(victim));
        ++evicted_;
      }
      e = map_.insert(key);
      if (e == nullptr) return nullptr;
    }
    e->last = interval;
    return &e->state;
  }

  // f(key, state, last_interval); erases entries last touched before `forget_before`.
  template <typename F>
  void sweep(int64_t forget_before, F&& f) {
    map_.for_each_slot([&](uint32_t i) {
      Entry& e = map_.value_at(i);
      if (e.last < forget_before) {
        map_.erase_at(i);
        return;
      }
      f(map_.key_at(i), e.state, e.last);
    });
  }
  // f(key, state, last_interval) for every entry, in slot order.
  template <typename F>
  void for_each(F&& f) const {
    map_.for_each([&](const Key& k, const Entry& e) { f(k, e.state, e.last); });
  }
  // Erases the entries whose key `drop(key)` picks; how many.
  template <typename Drop>
  uint32_t forget_if(Drop&& drop) {
    uint32_t n = 0;
    map_.for_each_slot([&](uint32_t i) {
      if (!drop(map_.key_at(i))) return;
      map_.erase_at(i);
      ++n;
    });
    return n;
  }
  uint32_t size() const { return map_.size(); }
  uint64_t evicted() const { return evicted_; }

 private:
  struct Entry {
    State state{};
    int64_t last = 0;
  };
  table::BoundedMap<Key, Entry, Hash> map_;
  uint64_t evicted_ = 0;
};

// An alert with the fields every detector fills; severity follows the score.
Alert alert_draft(std::string_view detector, session::Perspective perspective,
                  const wire::IpAddress& source, const wire::IpAddress& target, uint16_t port,
                  const TimeSpan& span, uint64_t count, double baseline, double score);
// printf into a string: the alerts' one-line summaries.
std::string summary_line(const char* format, ...) __attribute__((format(printf, 1, 2)));
// An address or a perspective as C text for summary_line.
inline std::string text(const wire::IpAddress& a) { return a.to_string(); }
inline std::string text(session::Perspective p) { return std::string(session::perspective_name(p)); }
// A (host, port, perspective) key in a snapshot, and its size there.
inline constexpr size_t kSavedKeyBytes = 17 + 2 + 1;
void save_key(SnapshotWriter& w, const HostPortKey& key);
HostPortKey restore_key(SnapshotReader& r);

// A detector's tracked states in a snapshot: their count, then per entry the key, the
// interval it was last touched and what save_state(w, state) writes.
template <typename State, typename Hash, typename SaveState>
void save_tracked(SnapshotWriter& w, const Tracked<HostPortKey, State, Hash>& tracked, SaveState&& save_state) {
  w.u32(tracked.size());
  tracked.for_each([&](const HostPortKey& key, const State& s, int64_t last) {
    save_key(w, key);
    w.i64(last);
    save_state(w, s);
  });
}
// Reads them back: restore_state(r, state) fills a fresh state (`state_bytes` in the
// file) and says whether it is sane. False on anything malformed or out of range.
template <typename State, typename Hash, typename RestoreState>
bool restore_tracked(SnapshotReader& r, Tracked<HostPortKey, State, Hash>& tracked, size_t state_bytes,
                     uint32_t& entries, RestoreState&& restore_state) {
  entries = r.count(1u << 24, kSavedKeyBytes + 8 + state_bytes);
  for (uint32_t i = 0; i < entries && r.ok(); ++i) {
    const HostPortKey key = restore_key(r);
    const int64_t last = r.i64();
    State s{};
    if (!restore_state(r, s)) r.fail();
    if (!r.ok()) break;
    if (State* slot = tracked.touch(key, last)) *slot = s;
  }
  return r.done();
}
// The longest window_s of a detector's per-perspective settings, in intervals.
template <typename PerPerspectiveParams>
int64_t longest_window(const PerPerspectiveParams& params, const Interval& at) {
  int64_t longest = 1;
  for (const auto& p : params) longest = std::max(longest, at.count_of(p.window_s));
  return longest;
}

// The detectors, in the order they run (syn_flood before service_unavailable, which
// defers to it).
inline constexpr std::string_view kDetectorRunOrder[] = {
    "syn_flood", "service_unavailable", "failed_sessions", "port_scan", "host_sweep", "scanner",
    "null_scan", "xmas_scan", "fin_scan", "backscatter", "brute_force"};
std::vector<std::unique_ptr<Detector>> make_detectors(const DetectConfig& config);
// One of them, fresh; null for a name that is none of them.
std::unique_ptr<Detector> make_detector(const DetectConfig& config, std::string_view name);

std::unique_ptr<Detector> make_failed_sessions(const DetectConfig& config);
std::unique_ptr<Detector> make_service_unavailable(const DetectConfig& config);
std::unique_ptr<Detector> make_port_scan(const DetectConfig& config);
std::unique_ptr<Detector> make_host_sweep(const DetectConfig& config);
std::unique_ptr<Detector> make_scanner(const DetectConfig& config);
std::unique_ptr<Detector> make_stealth_scan(const DetectConfig& config, StealthKind kind);
std::unique_ptr<Detector> make_syn_flood(const DetectConfig& config);
std::unique_ptr<Detector> make_backscatter(const DetectConfig& config);
std::unique_ptr<Detector> make_brute_force(const DetectConfig& config);

}  // namespace synwatch::detect
