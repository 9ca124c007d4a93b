// SessionWatch: what the API answers about decided sessions, fed by the writer thread
// beside the session log.
//
//  - Top failed: failed sessions counted per minute of flow time (their decided_ms, the
//    detectors' clock) by server, client and server port, each under its perspective,
//    for the last hour. A window sums its minutes. Each minute holds at most
//    `top_keys` keys per dimension; failures of keys beyond that are counted as not
//    listed, so the totals stay exact and memory stays fixed.
//  - Lookup: the newest `recent` decided sessions (failed or not), searched by address.
//
// The writer thread takes the lock for one session at a time and readers for one query;
// nothing here is on a worker core, and a slow reader delays only the writer thread,
// whose input rings are sized for much longer pauses.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "dataplane/detect/partial_keys.h"
#include "dataplane/session/session_event.h"
#include "dataplane/table/bounded_map.h"

namespace synwatch::control {

struct SessionWatchConfig {
  uint32_t recent = 65536;  // sessions kept for lookup
  uint32_t top_keys = 1024; // keys per minute and dimension
};

// Failed sessions, and the two outcomes operators tell apart: refused or ignored.
struct FailedCounts {
  uint64_t failed = 0;
  uint64_t rejected = 0;    // REJ: the server answered with a reset
  uint64_t unanswered = 0;  // S0: no reply at all
  void add(const FailedCounts& o) {
    failed += o.failed, rejected += o.rejected, unanswered += o.unanswered;
  }
};

enum class TopBy : uint8_t { kServer, kClient, kServerPort, kPerspective };

struct TopQuery {
  TopBy by = TopBy::kServer;
  uint32_t window_s = 300;
  uint32_t limit = 10;
  std::optional<session::Perspective> perspective;  // none: every perspective
};

struct TopRow {
  detect::HostPortKey key;  // the host (server, client) or port, with its perspective
  FailedCounts counts;
};

struct TopFailed {
  std::vector<TopRow> rows;  // most failed first; ties by key
  FailedCounts total;        // every failed session of the window and perspective
  uint64_t not_listed = 0;   // failed sessions of keys beyond the per-minute bound
  int64_t from_ms = 0, to_ms = 0;  // the window's minutes; 0, 0 before any failure
};

struct FoundSessions {
  std::vector<session::SessionEvent> sessions;  // newest first
  uint64_t retained = 0;   // sessions searched
  int64_t oldest_ms = 0;   // decided_ms of the oldest of them
};

class SessionWatch : public session::SessionSink {
 public:
  static constexpr int64_t kMinuteMs = 60'000;
  static constexpr uint32_t kMinutes = 60;  // the longest window

  explicit SessionWatch(const SessionWatchConfig& config);

  // The writer thread.
  void on_session(const session::SessionEvent& s) override;
  void on_sessions(std::span<const session::SessionEvent> sessions) override;

  // Any thread. window_s is clamped to [60, 3600] by the caller's validation.
  TopFailed top_failed(const TopQuery& query) const;
  // Sessions whose client or server is `address` (and `port` on that side, if nonzero).
  FoundSessions lookup(const wire::IpAddress& address, uint16_t port, uint32_t limit) const;

 private:
  using KeyCounts = table::BoundedMap<detect::HostPortKey, FailedCounts, detect::HostPortKey::Hash>;
  struct Minute {
    int64_t index = -1;  // decided_ms / kMinuteMs
    std::array<KeyCounts, 3> by;  // server, client, server port
    std::array<FailedCounts, session::kPerspectiveCount> perspectives{};
    std::array<std::array<uint64_t, session::kPerspectiveCount>, 3> not_listed{};
    explicit Minute(uint32_t keys) : by{KeyCounts(keys), KeyCounts(keys), KeyCounts(keys)} {}
  };
  void count_failed(const session::SessionEvent& s);

  mutable std::mutex mutex_;
  std::vector<Minute> minutes_;  // by index % kMinutes
  int64_t newest_ = -1;          // the newest minute counted
  std::vector<session::SessionEvent> recent_;  // a ring
  uint64_t written_ = 0;
};

// The key of `s` in dimension `by` (an unset host or a zero port where it does not apply).
detect::HostPortKey top_key_of(const session::SessionEvent& s, TopBy by);

}  // namespace synwatch::control
