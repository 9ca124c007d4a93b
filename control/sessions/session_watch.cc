#include "control/sessions/session_watch.h"

#include <algorithm>
#include <map>

namespace synwatch::control {

namespace {

FailedCounts counts_of(const session::SessionEvent& s) {
  FailedCounts c;
  c.failed = 1;
  c.rejected = s.state == session::ConnState::REJ ? 1 : 0;
  c.unanswered = s.state == session::ConnState::S0 ? 1 : 0;
  return c;
}

}  // namespace

detect::HostPortKey top_key_of(const session::SessionEvent& s, TopBy by) {
  switch (by) {
    case TopBy::kServer: return {s.server, 0, s.perspective};
    case TopBy::kClient: return {s.client, 0, s.perspective};
    case TopBy::kServerPort: return {{}, s.server_port, s.perspective};
    case TopBy::kPerspective: break;
  }
  return {{}, 0, s.perspective};
}

SessionWatch::SessionWatch(const SessionWatchConfig& config) {
  minutes_.reserve(kMinutes);
  for (uint32_t i = 0; i < kMinutes; ++i) minutes_.emplace_back(config.top_keys);
  recent_.resize(config.recent);
}

void SessionWatch::on_session(const session::SessionEvent& s) { on_sessions({&s, 1}); }

// One lock a batch: the writer hands the sessions over 256 at a time, and readers (the
// API) wait at most one batch.
void SessionWatch::on_sessions(std::span<const session::SessionEvent> sessions) {
  std::lock_guard lock(mutex_);
  for (const session::SessionEvent& s : sessions) {
    if (!recent_.empty()) recent_[written_ % recent_.size()] = s;
    ++written_;
    if (s.failed) count_failed(s);
  }
}

void SessionWatch::count_failed(const session::SessionEvent& s) {
  const int64_t index = s.decided_ms / kMinuteMs;
  if (index < 0 || index <= newest_ - int64_t{kMinutes}) return;  // older than any window
  Minute& m = minutes_[static_cast<size_t>(index % kMinutes)];
  if (m.index != index) {
    m.index = index;
    for (KeyCounts& k : m.by) k.clear();
    m.perspectives = {};
    m.not_listed = {};
  }
  newest_ = std::max(newest_, index);
  const FailedCounts c = counts_of(s);
  const auto p = static_cast<size_t>(s.perspective);
  m.perspectives[p].add(c);
  constexpr TopBy dims[] = {TopBy::kServer, TopBy::kClient, TopBy::kServerPort};
  for (size_t d = 0; d < 3; ++d) {
    const detect::HostPortKey key = top_key_of(s, dims[d]);
    FailedCounts* slot = m.by[d].find(key);
    if (slot == nullptr) slot = m.by[d].insert(key);
    if (slot == nullptr) m.not_listed[d][p] += 1;
    else slot->add(c);
  }
}

TopFailed SessionWatch::top_failed(const TopQuery& query) const {
  const auto wanted = [&](session::Perspective p) { return !query.perspective || *query.perspective == p; };
  const int64_t span = std::clamp<int64_t>((int64_t{query.window_s} * 1000 + kMinuteMs - 1) / kMinuteMs, 1, kMinutes);
  TopFailed out;
  std::map<detect::HostPortKey, FailedCounts> merged;
  {
    std::lock_guard lock(mutex_);
    if (newest_ < 0) return out;
    out.from_ms = (newest_ - span + 1) * kMinuteMs;
    out.to_ms = (newest_ + 1) * kMinuteMs;
    for (const Minute& m : minutes_) {
      if (m.index < 0 || m.index <= newest_ - span) continue;
      for (size_t p = 0; p < session::kPerspectiveCount; ++p) {
        const auto perspective = static_cast<session::Perspective>(p);
        if (!wanted(perspective)) continue;
        out.total.add(m.perspectives[p]);
        if (query.by != TopBy::kPerspective) out.not_listed += m.not_listed[static_cast<size_t>(query.by)][p];
        else if (m.perspectives[p].failed > 0) merged[{{}, 0, perspective}].add(m.perspectives[p]);
      }
      if (query.by == TopBy::kPerspective) continue;
      m.by[static_cast<size_t>(query.by)].for_each([&](const detect::HostPortKey& k, const FailedCounts& c) {
        if (wanted(k.perspective)) merged[k].add(c);
      });
    }
  }
  out.rows.reserve(merged.size());
  for (const auto& [key, counts] : merged) out.rows.push_back({key, counts});
  // Most failed first; the map's key order breaks ties, so equal inputs list alike.
  std::stable_sort(out.rows.begin(), out.rows.end(),
                   [](const TopRow& a, const TopRow& b) { return a.counts.failed > b.counts.failed; });
  if (out.rows.size() > query.limit) out.rows.resize(query.limit);
  return out;
}

FoundSessions SessionWatch::lookup(const wire::IpAddress& address, uint16_t port, uint32_t limit) const {
  FoundSessions out;
  std::lock_guard lock(mutex_);
  const uint64_t held = std::min<uint64_t>(written_, recent_.size());
  out.retained = held;
  if (held == 0) return out;
  out.oldest_ms = recent_[(written_ - held) % recent_.size()].decided_ms;
  for (uint64_t i = 0; i < held && out.sessions.size() < limit; ++i) {
    const session::SessionEvent& s = recent_[(written_ - 1 - i) % recent_.size()];
    const bool client = s.client == address && (port == 0 || s.client_port == port);
    const bool server = s.server == address && (port == 0 || s.server_port == port);
    if (client || server) out.sessions.push_back(s);
  }
  return out;
}

}  // namespace synwatch::control
