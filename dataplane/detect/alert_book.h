// AlertBook: the lifecycle of alerts, the single writer of alert state.
//
// A detector reports its condition for a key at each interval (raise). The first
// report opens an alert (status "open", a new id); later ones update it (same id) when
// it grew (count doubled, severity rose) or, if anything changed, every update_every_s;
// an alert not raised again in an interval (or within its hold) is resolved (status
// "resolved"). So one condition gives one alert however long it lasts: the
// de-duplication. The id is a hash
// of the detector, the key and the opening time: the same under replay, different for a
// new episode.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "dataplane/detect/alert.h"
#include "dataplane/table/bounded_map.h"

namespace synwatch::detect {

class AlertBook {
 public:
  AlertBook(uint32_t capacity, int64_t update_every_ms) : open_(capacity), update_every_ms_(update_every_ms) {}

  // The condition holds in the current interval and, unless raised again, through the
  // next hold_intervals - 1; `draft` has every field but id and status.
  void raise(Alert draft, uint32_t hold_intervals = 1);
  // Sends what was raised this interval and resolves what was not, in a fixed order.
  void close_interval(int64_t now_ms, AlertSink& sink);
  // True while an alert of `detector` for this key is open.
  bool is_open(std::string_view detector, const wire::IpAddress& source, const wire::IpAddress& target,
               uint16_t port, session::Perspective perspective) const;

  void set_update_every(int64_t ms) { update_every_ms_ = ms; }
  uint64_t opened() const { return opened_; }
  uint64_t sent() const { return sent_; }  // alert lines: open, update and resolved
  uint64_t dropped() const { return dropped_; }  // could not be tracked: too many open
  uint32_t open_count() const { return open_.size(); }
  uint32_t open_count(std::string_view detector) const {
    uint32_t n = 0;
    open_.for_each([&](const Key& k, const State&) { n += k.detector == detector ? 1 : 0; });
    return n;
  }

 private:
  struct Key {
    std::string_view detector;
    wire::IpAddress source, target;
    uint16_t port = 0;
    session::Perspective perspective{};
    bool operator==(const Key&) const = default;
    bool operator<(const Key& o) const;
  };
  struct KeyHash {
    uint64_t operator()(const Key& k) const;
  };
  struct State {
    Alert last;             // the newest figures (what a resolution reports)
    uint64_t sent_count = 0;
    Severity sent_severity = Severity::kWarning;
    int64_t sent_ms = 0;
    uint64_t held_through = 0; // the last interval number its condition covers
    bool pending = false;   // raised this interval, not yet decided what to send
    Alert draft;
  };
  static Key key_of(const Alert& a) { return {a.detector, a.source, a.target, a.port, a.perspective}; }

  table::BoundedMap<Key, State, KeyHash> open_;
  int64_t update_every_ms_;
  uint64_t interval_ = 1;
  uint64_t opened_ = 0, sent_ = 0, dropped_ = 0;
};

}  // namespace synwatch::detect
