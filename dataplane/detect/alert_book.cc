#include "dataplane/detect/alert_book.h"

#include <algorithm>
#include <cstdio>

#include "dataplane/detect/distinct_set.h"

namespace synwatch::detect {

bool AlertBook::Key::operator<(const Key& o) const {
  if (detector != o.detector) return detector < o.detector;
  if (!(source == o.source)) return source < o.source;
  if (!(target == o.target)) return target < o.target;
  if (port != o.port) return port < o.port;
  return perspective < o.perspective;
}

uint64_t AlertBook::KeyHash::operator()(const Key& k) const {
  uint64_t h = 1469598103934665603ULL;
  for (char c : k.detector) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ULL;
  h = mix64(h ^ k.source.hash());
  h = mix64(h ^ k.target.hash());
  return mix64(h ^ (uint64_t{k.port} << 8 | uint64_t(k.perspective)));
}

void AlertBook::raise(Alert draft, uint32_t hold_intervals) {
  const Key key = key_of(draft);
  State* s = open_.find(key);
  if (s == nullptr) {
    s = open_.insert(key);
    if (s == nullptr) {
      ++dropped_;
      return;
    }
    char id[24];
    std::snprintf(id, sizeof id, "%016llx",
                  static_cast<unsigned long long>(mix64(KeyHash{}(key) ^ static_cast<uint64_t>(draft.start_ms))));
    draft.id = id;
    draft.status = AlertStatus::kOpen;
    s->sent_ms = 0;
  } else {
    draft.id = s->last.id;
    draft.start_ms = std::min(draft.start_ms, s->last.start_ms);
    draft.status = AlertStatus::kUpdate;
    if (draft.labels.empty()) draft.labels = s->last.labels;  // an interval without labelled sessions
  }
  s->draft = std::move(draft);
  s->pending = true;
  s->held_through = std::max<uint64_t>(s->held_through, interval_ + std::max<uint32_t>(hold_intervals, 1) - 1);
}

bool AlertBook::is_open(std::string_view detector, const wire::IpAddress& source, const wire::IpAddress& target,
                        uint16_t port, session::Perspective perspective) const {
  return open_.find({detector, source, target, port, perspective}) != nullptr;
}

void AlertBook::close_interval(int64_t now_ms, AlertSink& sink) {
  // Collect, then send in key order: the output does not depend on table layout.
  std::vector<std::pair<Key, uint32_t>> touched;
  open_.for_each_slot([&](uint32_t i) { touched.push_back({open_.key_at(i), i}); });
  std::sort(touched.begin(), touched.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [key, i] : touched) {
    State& s = open_.value_at(i);
    if (s.pending) {
      s.pending = false;
      Alert& d = s.draft;
      const bool opening = d.status == AlertStatus::kOpen;
      const bool grew = d.count >= 2 * s.sent_count || d.severity > s.sent_severity;
      const bool changed = d.count != s.sent_count;
      const bool send = opening || grew || (changed && now_ms - s.sent_ms >= update_every_ms_);
      s.last = d;
      if (send) {
        if (opening) ++opened_;
        ++sent_;
        sink.on_alert(d);
        s.sent_count = d.count;
        s.sent_severity = d.severity;
        s.sent_ms = now_ms;
      }
    } else if (s.held_through < interval_) {
      Alert r = s.last;
      r.status = AlertStatus::kResolved;
      sink.on_alert(r);
      ++sent_;
      open_.erase_at(i);
    }
  }
  ++interval_;
}

}  // namespace synwatch::detect
