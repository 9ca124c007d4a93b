#include "dataplane/session/session_table.h"

#include <algorithm>
#include <bit>
#include <cstring>

#include "dataplane/session/session_key.h"
#include "dataplane/signature/label_registry.h"

namespace synwatch::session {
namespace {

constexpr uint16_t kNoExporter = 0xffff;
constexpr uint16_t kUnknownExporter = 0xfffe;

uint32_t saturating_add32(uint32_t a, uint64_t b) {
  const uint64_t s = uint64_t{a} + b;
  return s > 0xffffffffULL ? 0xffffffffU : static_cast<uint32_t>(s);
}
// One more sampled packet in a Session flag count, saturating.
uint64_t bumped(uint64_t count) { return count == Session::kMaxFlagCount ? count : count + 1; }
uint32_t seconds_up(int64_t ms) {
  return ms <= 0 ? 0 : static_cast<uint32_t>((ms + 999) / 1000);
}

bool same16(const std::array<uint8_t, 16>& a, const std::array<uint8_t, 16>& b) {
  uint64_t x[2], y[2];
  std::memcpy(x, a.data(), 16);
  std::memcpy(y, b.data(), 16);
  return ((x[0] ^ y[0]) | (x[1] ^ y[1])) == 0;
}

bool matches(const Session& s, const SessionKey& k) {
  return s.port[0] == k.port[0] && s.port[1] == k.port[1] && s.proto == k.proto &&
         same16(s.addr[0], k.addr[0]) && same16(s.addr[1], k.addr[1]);
}

IpAddress address_of(const Session& s, int side) {
  return (s.bits & Session::kV4) != 0 ? IpAddress::v4_bytes(s.addr[side].data() + 12)
                                      : IpAddress::v6_bytes(s.addr[side].data());
}

decode::InterfaceRole role_of(const Session& s, int side) {
  return static_cast<decode::InterfaceRole>(side == 0 ? s.role0 : s.role1);
}

SideView side_view(const Session& s, int side) {
  SideView v;
  v.flags = s.flags[side];
  v.seen = (s.bits & (side == 0 ? Session::kSeen0 : Session::kSeen1)) != 0;
  v.packets = s.packets[side];
  v.bytes = s.bytes[side];
  return v;
}

// A SYN without ACK from one side while the other has not been heard from: an attempt
// waiting for its answer.
bool waiting_for_answer(const Session& s) {
  for (int side = 0; side < 2; ++side) {
    const bool syn_only = (s.flags[side] & (tcp::kSyn | tcp::kAck)) == tcp::kSyn;
    const uint8_t other_seen = side == 0 ? Session::kSeen1 : Session::kSeen0;
    if (syn_only && (s.bits & other_seen) == 0) return true;
  }
  return false;
}

}  // namespace

SessionTable::SessionTable(const SessionConfig& config, const PerspectiveMap& perspective,
                           SessionSink& sink)
    : config_(config),
      perspective_(&perspective),
      services_(&config.services),
      sink_(sink),
      capacity_(config.capacity),
      sessions_(config.capacity),
      free_(config.capacity),
      index_(config.capacity),
      wheel_(config.capacity),
      exporter_ids_(config.exporters) {
  for (uint32_t i = 0; i < capacity_; ++i) free_[i] = capacity_ - 1 - i;
  exporter_addresses_.reserve(config.exporters);
}

uint16_t SessionTable::exporter_id(const IpAddress& a) {
  // Bursts come from one exporter: remember the last answer.
  if (last_exporter_id_ != kNoExporter && a == last_exporter_) return last_exporter_id_;
  if (const uint16_t* id = exporter_ids_.find(a)) {
    last_exporter_ = a;
    last_exporter_id_ = *id;
    return *id;
  }
  uint16_t* fresh = exporter_ids_.insert(a);
  if (fresh == nullptr) {
    counters_.add(SessionCounter::exporter_ids_full);
    return kUnknownExporter;
  }
  *fresh = static_cast<uint16_t>(exporter_addresses_.size());
  exporter_addresses_.push_back(a);
  last_exporter_ = a;
  last_exporter_id_ = *fresh;
  return *fresh;
}

void SessionTable::advance(int64_t watermark_ms) {
  if (watermark_ms <= watermark_ms_) return;
  watermark_ms_ = watermark_ms;
  wheel_.advance(static_cast<uint32_t>(watermark_ms / 1000), [this](uint32_t id) { on_due(id); });
  sink_.on_watermark(watermark_ms);
}

void SessionTable::apply(const decode::FlowRecord& r, int64_t watermark_ms) {
  if (r.proto != 6) {
    counters_.add(SessionCounter::not_tcp);
    return;
  }
  advance(watermark_ms);
  const uint16_t exporter = exporter_id(r.exporter);
  SessionKey key;
  const uint64_t hash = key.set(r, config_.join_exporters ? 0 : exporter);
  apply_keyed(r, key, hash, exporter);
}

void SessionTable::apply_batch(const decode::FlowRecord* records, const int64_t* watermarks_ms,
                               size_t n) {
  // A software pipeline over the burst: record i's key is hashed and its index slot
  // fetched; record i - kSlotAhead's entry is fetched (its slot is in by then); record
  // i - kSlotAhead - kEntryAhead is joined (its entry is in). Many records' misses are
  // in flight at once, and no stage waits for the one before it to finish the burst.
  constexpr size_t kSlotAhead = 16, kEntryAhead = 8, kDepth = kSlotAhead + kEntryAhead;
  constexpr size_t kRing = std::bit_ceil(kDepth + 1);
  SessionKey keys[kRing];
  uint64_t hashes[kRing];
  uint16_t exporters[kRing];
  // Records that are not TCP join nothing: they are counted at their turn, never keyed.
  for (size_t i = 0; i < n + kDepth; ++i) {
    if (i < n && records[i].proto == 6) {
      const size_t k = i % kRing;
      exporters[k] = exporter_id(records[i].exporter);
      hashes[k] = keys[k].set(records[i], config_.join_exporters ? 0 : exporters[k]);
      index_.prefetch(hashes[k]);
    }
    if (i >= kSlotAhead && i - kSlotAhead < n && records[i - kSlotAhead].proto == 6) {
      // A hint only: joins in between may move the entry; apply_keyed looks again.
      const int64_t id = index_.peek(hashes[(i - kSlotAhead) % kRing]);
      if (id >= 0) {
        // An entry is 96 bytes, so it always spans two cache lines: fetch both.
        const auto* entry = reinterpret_cast<const char*>(&sessions_[static_cast<size_t>(id)]);
        __builtin_prefetch(entry);
        __builtin_prefetch(entry + sizeof(Session) - 1);
      }
    }
    if (i >= kDepth) {
      const size_t j = i - kDepth, k = j % kRing;
      if (records[j].proto != 6) {
        counters_.add(SessionCounter::not_tcp);
        continue;
      }
      advance(watermarks_ms[j]);  // exactly as if the records came one by one
      apply_keyed(records[j], keys[k], hashes[k], exporters[k]);
    }
  }
}

void SessionTable::apply_keyed(const decode::FlowRecord& r, const SessionKey& key, uint64_t hash,
                               uint16_t exporter) {
  int64_t found = index_.find(hash, [&](uint32_t id) {
    const Session& s = sessions_[id];
    if (!matches(s, key)) return false;
    return config_.join_exporters || s.exporter[0] == exporter || s.exporter[1] == exporter;
  });

  if (found >= 0) {
    Session& s = sessions_[static_cast<size_t>(found)];
    if ((s.bits & Session::kEmitted) != 0) {
      const bool new_attempt = (r.tcp_flags & (tcp::kSyn | tcp::kAck)) == tcp::kSyn &&
                               r.start_ms > s.start_ms + s.duration_ms;
      if (!new_attempt) {
        counters_.add(SessionCounter::late_records);
        s.arrival_s = static_cast<uint32_t>(watermark_ms_ / 1000);
        return;
      }
      counters_.add(SessionCounter::port_reuse);
      release(static_cast<uint32_t>(found));
      found = -1;
    }
  }
  uint32_t id;
  const bool created = found < 0;
  if (created) {
    if (free_.empty()) evict_one();
    id = free_.back();
    free_.pop_back();
    Session& s = sessions_[id];
    s = Session{};
    s.addr[0] = key.addr[0];
    s.addr[1] = key.addr[1];
    s.port[0] = key.port[0];
    s.port[1] = key.port[1];
    s.proto = key.proto;
    s.bits = key.v4 ? Session::kV4 : 0;
    s.exporter[0] = s.exporter[1] = kNoExporter;
    s.start_ms = r.start_ms;
    s.sampling = 1;
    index_.insert(hash, id);
    counters_.add(SessionCounter::sessions_created);
  } else {
    id = static_cast<uint32_t>(found);
  }
  Session& s = sessions_[id];
  merge(s, r, key.src_side, exporter);
  s.arrival_s = static_cast<uint32_t>(watermark_ms_ / 1000);

  // Only a session seen both ways with a FIN or RST somewhere can be final: most
  // updates (data, ACKs) skip the classification.
  const uint8_t both_seen = Session::kSeen0 | Session::kSeen1;
  if ((s.bits & both_seen) == both_seen && ((s.flags[0] | s.flags[1]) & (tcp::kFin | tcp::kRst))) {
    const SideView views[2] = {side_view(s, 0), side_view(s, 1)};
    const int c = client_of(s, views);
    const Outcome o = classify(views[c], views[1 - c], (s.bits & Session::kV4) == 0,
                               (s.bits & Session::kSampled) != 0);
    if (is_final(o, views[c], views[1 - c])) emit(s, Decision::kFinal);
  }
  // A session is filed in the wheel from its creation until it is released. Its due
  // time only moves later while it lives, so a session filed too early is filed again
  // when its slot fires (on_due): an update need not touch the wheel.
  if (created) wheel_.schedule(id, due_of(s));
}

void SessionTable::merge(Session& s, const decode::FlowRecord& r, int side, uint16_t exporter) {
  auto add = [&](int sd, uint8_t flags, uint64_t packets, uint64_t bytes) {
    s.bits |= sd == 0 ? Session::kSeen0 : Session::kSeen1;
    s.flags[sd] |= flags;
    if (s.exporter[sd] == kNoExporter) {
      s.exporter[sd] = exporter;
    } else if (s.exporter[sd] != exporter) {
      // The same direction through a second router: its flags add evidence, its
      // counts would count the same packets twice.
      counters_.add(SessionCounter::duplicate_direction);
      return;
    }
    s.packets[sd] = saturating_add32(s.packets[sd], packets);
    s.bytes[sd] += bytes;
  };
  add(side, r.tcp_flags, r.packets, r.bytes);
  static_assert(signature::LabelRegistry::kCapacity < (1u << 12), "Session::label has 12 bits");
  if (r.label != 0 && signature::LabelRegistry::instance().better(r.label, s.label))
    s.label = r.label & 0xfffu;
  // The source lies behind the ingress interface, the destination behind the egress one.
  const uint8_t role_of_side0 = side == 0 ? r.src_role : r.dst_role;
  const uint8_t role_of_side1 = side == 0 ? r.dst_role : r.src_role;
  if (role_of_side0 > s.role0) s.role0 = role_of_side0 & 3u;
  if (role_of_side1 > s.role1) s.role1 = role_of_side1 & 3u;
  if (r.has_reverse && (r.rev_packets > 0 || r.rev_tcp_flags != 0))
    add(1 - side, r.rev_tcp_flags, r.rev_packets, r.rev_bytes);

  const int64_t end = std::max(s.start_ms + s.duration_ms, r.end_ms);
  s.start_ms = std::min(s.start_ms, r.start_ms);
  const int64_t duration = end - s.start_ms;
  s.duration_ms = duration < 0 ? 0 : duration > 0xffffffffLL ? 0xffffffffU
                                                              : static_cast<uint32_t>(duration);
  if (r.sampling > 1) {
    s.bits |= Session::kSampled;
    s.sampling = std::max(s.sampling, r.sampling);
    // Each sampled packet is one record (sFlow): its flags are that packet's flags.
    const uint8_t f = r.tcp_flags;
    const uint8_t syn_ack = f & (tcp::kSyn | tcp::kAck);
    constexpr uint64_t kMax = Session::kMaxFlagCount;  // the mask tells the compiler it fits
    if (syn_ack == tcp::kSyn) s.syn = bumped(s.syn) & kMax;
    if (syn_ack == (tcp::kSyn | tcp::kAck)) s.synack = bumped(s.synack) & kMax;
    if ((f & tcp::kRst) != 0) s.rst = bumped(s.rst) & kMax;
    if ((f & tcp::kFin) != 0) s.fin = bumped(s.fin) & kMax;
  }
}

uint32_t SessionTable::due_of(const Session& s) const {
  const uint32_t held_until = s.arrival_s + config_.export_grace_s;
  if ((s.bits & Session::kEmitted) != 0) return held_until;
  const int64_t end = s.start_ms + s.duration_ms;
  int64_t deadline = waiting_for_answer(s) ? s.start_ms + int64_t{config_.answer_window_s} * 1000
                                           : end + int64_t{config_.idle_timeout_s} * 1000;
  deadline = std::min(deadline, s.start_ms + int64_t{config_.max_lifetime_s} * 1000);
  return std::max(seconds_up(deadline), held_until);
}

void SessionTable::on_due(uint32_t id) {
  Session& s = sessions_[id];
  const uint32_t due = due_of(s);
  if (due > watermark_ms_ / 1000) {
    wheel_.schedule(id, due);
    return;
  }
  if ((s.bits & Session::kEmitted) == 0) {
    // Which deadline was binding, from the session alone: the same whenever it fires.
    Decision d = Decision::kIdle;
    if (waiting_for_answer(s)) {
      d = Decision::kAnswerWindow;
    } else if (config_.max_lifetime_s < uint64_t{s.duration_ms} / 1000 + config_.idle_timeout_s) {
      d = Decision::kLifetime;
    }
    emit(s, d, int64_t{due} * 1000);
  }
  release(id);
}

void SessionTable::evict_one() {
  uint32_t ids[16];
  const uint32_t n = wheel_.earliest(ids, 16);
  if (n == 0) return;
  uint32_t victim = ids[0];
  for (uint32_t i = 0; i < n; ++i) {
    if ((sessions_[ids[i]].bits & Session::kEmitted) != 0) {
      victim = ids[i];
      break;
    }
  }
  Session& s = sessions_[victim];
  if ((s.bits & Session::kEmitted) != 0) {
    counters_.add(SessionCounter::evicted_decided);
  } else {
    emit(s, Decision::kEvicted);
  }
  release(victim);
}

uint64_t SessionTable::hash_of(const Session& s) const {
  SessionKey k;
  k.addr[0] = s.addr[0];
  k.addr[1] = s.addr[1];
  k.port[0] = s.port[0];
  k.port[1] = s.port[1];
  k.proto = s.proto;
  uint16_t salt = 0;
  if (!config_.join_exporters) salt = s.exporter[0] != kNoExporter ? s.exporter[0] : s.exporter[1];
  return k.hash(salt);
}

void SessionTable::release(uint32_t id) {
  wheel_.cancel(id);
  index_.erase(hash_of(sessions_[id]), id);
  free_.push_back(id);
}

void SessionTable::flush() {
  for (uint32_t id = 0; id < capacity_; ++id) {
    if (!wheel_.scheduled(id)) continue;
    if ((sessions_[id].bits & Session::kEmitted) == 0) emit(sessions_[id], Decision::kFlush);
    release(id);
  }
}

int SessionTable::client_of(const Session& s, const SideView (&views)[2]) const {
  bool service[2] = {false, false};
  for (int side = 0; side < 2 && !services_->empty(); ++side) {
    const IpAddress a = address_of(s, side);
    for (const auto& svc : *services_)
      if (svc.port == s.port[side] && svc.address == a) service[side] = true;
  }
  return client_side(views, s.port, service);
}

void SessionTable::emit(Session& s, Decision decision, int64_t decided_ms) {
  const SideView views[2] = {side_view(s, 0), side_view(s, 1)};
  const int c = client_of(s, views);
  const bool sampled = (s.bits & Session::kSampled) != 0;
  const Outcome o = classify(views[c], views[1 - c], (s.bits & Session::kV4) == 0, sampled);

  SessionEvent e;
  e.client = address_of(s, c);
  e.server = address_of(s, 1 - c);
  e.client_port = s.port[c];
  e.server_port = s.port[1 - c];
  e.proto = s.proto;
  e.state = o.state;
  e.established = o.established;
  e.failed = o.failed;
  e.perspective = perspective_->classify(e.client, e.server, role_of(s, c), role_of(s, 1 - c));
  e.client_flags = s.flags[c];
  e.server_flags = s.flags[1 - c];
  e.c2s_packets = s.packets[c];
  e.c2s_bytes = s.bytes[c];
  e.s2c_packets = s.packets[1 - c];
  e.s2c_bytes = s.bytes[1 - c];
  e.start_ms = s.start_ms;
  e.end_ms = s.start_ms + s.duration_ms;
  for (int side = 0; side < 2; ++side) {
    const uint16_t x = s.exporter[side];
    if (x >= exporter_addresses_.size()) continue;
    if (e.exporter_count == 1 && e.exporters[0] == exporter_addresses_[x]) continue;
    e.exporters[e.exporter_count++] = exporter_addresses_[x];
  }
  e.sampled = sampled;
  e.sampling = s.sampling;
  e.label = s.label;
  if (sampled) {
    e.syn_packets = uint64_t{s.syn} * s.sampling;
    e.synack_packets = uint64_t{s.synack} * s.sampling;
    e.rst_packets = uint64_t{s.rst} * s.sampling;
    e.fin_packets = uint64_t{s.fin} * s.sampling;
  }
  e.decision = decision;
  e.decided_ms = decided_ms < 0 ? watermark_ms_ : decided_ms;
  static constexpr SessionCounter kByDecision[] = {
      SessionCounter::decided_final,    SessionCounter::decided_answer_window,
      SessionCounter::decided_idle,     SessionCounter::decided_lifetime,
      SessionCounter::evicted_undecided, SessionCounter::decided_flush};
  counters_.add(kByDecision[static_cast<size_t>(decision)]);
  s.bits |= Session::kEmitted;
  sink_.on_session(e);
}

}  // namespace synwatch::session
