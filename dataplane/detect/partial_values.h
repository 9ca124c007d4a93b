// The values of the detectors' tables: what one interval of sessions adds to a key.
// Every field merges exactly and in any order: counts add, distinct sets unite,
// time spans widen, samples keep their lowest members.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>

#include "dataplane/detect/address_sample.h"
#include "dataplane/detect/distinct_set.h"
#include "dataplane/detect/lowest_values.h"
#include "dataplane/wire/ip_address.h"

namespace synwatch::detect {

// The flow time a key's sessions span.
struct TimeSpan {
  int64_t first_ms = INT64_MAX;
  int64_t last_ms = INT64_MIN;
  void add(int64_t start_ms, int64_t end_ms) {
    first_ms = std::min(first_ms, start_ms);
    last_ms = std::max(last_ms, end_ms);
  }
  void merge(const TimeSpan& o) { add(o.first_ms, o.last_ms); }
};

// A service (server, port): every connection attempt to it. Only failed attempts name
// their clients: the detectors that read a service (service_unavailable, syn_flood) tell
// of the clients that failed, and an established session, the common case, then costs
// the counters' cache line alone.
struct ServiceStats {
  uint32_t attempts = 0, established = 0, failed = 0;
  uint32_t rejected = 0, unanswered = 0;  // REJ; S0 (and half-open S1 without the client's ACK)
  uint64_t sampled_syn = 0, sampled_synack = 0;  // sampled packets × rate
  TimeSpan span;
  DistinctSet failed_clients;  // address tags
  AddressSample client_sample;  // of the failed clients
  uint64_t weight() const { return attempts + sampled_syn; }
  void merge(const ServiceStats& o) {
    attempts += o.attempts, established += o.established, failed += o.failed;
    rejected += o.rejected, unanswered += o.unanswered;
    sampled_syn += o.sampled_syn, sampled_synack += o.sampled_synack;
    failed_clients.merge(o.failed_clients);
    client_sample.merge(o.client_sample);
    span.merge(o.span);
  }
};

// One client's failed sessions to one service (failed_sessions, "over client").
struct ClientFailures {
  uint32_t failed = 0;
  uint32_t error = 0;  // Space-Saving: failures of an evicted key this one may include
  TimeSpan span;
  uint64_t weight() const { return failed; }
  void inherit(uint64_t evicted) {
    failed += static_cast<uint32_t>(evicted);
    error += static_cast<uint32_t>(evicted);
  }
  void merge(const ClientFailures& o) {
    failed += o.failed, error += o.error;
    span.merge(o.span);
  }
};

// Probes from one source to one target (port_scan).
struct PairProbes {
  uint32_t probes = 0;
  DistinctSet ports;
  TimeSpan span;
  uint64_t weight() const { return probes; }
  void merge(const PairProbes& o) {
    probes += o.probes;
    ports.merge(o.ports);
    span.merge(o.span);
  }
};

// Sampled input, one source to one target: probe-like sessions seen, their ports and
// (client port, server port) pairs, and the largest sampling rate among them. Apart
// from PairProbes so that unsampled input does not carry it.
struct SampledProbes {
  uint32_t sessions = 0;
  DistinctSet ports, pairs;
  uint32_t sampling = 0;
  TimeSpan span;
  uint64_t weight() const { return sessions; }
  void merge(const SampledProbes& o) {
    sessions += o.sessions;
    ports.merge(o.ports);
    pairs.merge(o.pairs);
    sampling = std::max(sampling, o.sampling);
    span.merge(o.span);
  }
};

// Stealth probes from one source to one target (null_scan, xmas_scan, fin_scan).
struct StealthProbes {
  std::array<uint32_t, 3> probes{};  // by StealthKind
  std::array<DistinctSet, 3> ports;
  TimeSpan span;
  uint64_t weight() const { return uint64_t{probes[0]} + probes[1] + probes[2]; }
  void merge(const StealthProbes& o) {
    for (size_t i = 0; i < 3; ++i) probes[i] += o.probes[i], ports[i].merge(o.ports[i]);
    span.merge(o.span);
  }
};

// Probes from one source to one port on many targets (host_sweep).
struct SweepProbes {
  uint32_t probes = 0;
  DistinctSet targets;
  AddressSample target_sample;
  TimeSpan span;
  uint64_t weight() const { return probes; }
  void merge(const SweepProbes& o) {
    probes += o.probes;
    targets.merge(o.targets);
    target_sample.merge(o.target_sample);
    span.merge(o.span);
  }
};

// One source's first contacts (scanner): their outcomes, and the earliest few in
// flow-time order so the control side can replay the walk where it crossed.
struct FirstContacts {
  struct Contact {
    int64_t ms = 0;
    wire::IpAddress target;
    uint16_t port = 0;
    bool failed = false;
    bool operator<(const Contact& o) const {
      if (ms != o.ms) return ms < o.ms;
      if (!(target == o.target)) return target < o.target;
      return port < o.port;
    }
  };
  static constexpr uint32_t kEarliest = 8;
  uint32_t failures = 0, successes = 0;
  uint32_t retries = 0;  // failed probes of services already contacted
  std::array<Contact, kEarliest> earliest{};
  uint8_t kept = 0;
  TimeSpan span;
  uint64_t weight() const { return uint64_t{failures} + successes; }
  void add(const Contact& c) {
    (c.failed ? failures : successes) += 1;
    keep(c);
  }
  void merge(const FirstContacts& o) {
    failures += o.failures, successes += o.successes, retries += o.retries;
    for (uint32_t i = 0; i < o.kept; ++i) keep(o.earliest[i]);
    span.merge(o.span);
  }

 private:
  void keep(const Contact& c) { keep_lowest(earliest, kept, c); }
};

// Responder-only sessions of one host: SYN-ACKs and RSTs that answer no SYN seen (backscatter).
struct ResponderOnly {
  // sessions = synack + rst + half_open: unsolicited SYN-ACKs and RSTs, and SYN-ACKs to
  // SYNs whose sender never went on (session_facts.h).
  uint32_t sessions = 0, synack = 0, rst = 0, half_open = 0;
  DistinctSet peers;
  AddressSample peer_sample;
  TimeSpan span;
  uint64_t weight() const { return sessions; }
  void merge(const ResponderOnly& o) {
    sessions += o.sessions, synack += o.synack, rst += o.rst, half_open += o.half_open;
    peers.merge(o.peers);
    peer_sample.merge(o.peer_sample);
    span.merge(o.span);
  }
};

// The signature labels of one host's (or one service's) sessions, most frequent kept:
// what an alert about that host says its sessions were.
struct HostLabels {
  static constexpr size_t kKept = 4;
  std::array<uint16_t, kKept> label{};  // LabelRegistry numbers; 0: free
  std::array<uint32_t, kKept> count{};
  uint32_t total = 0;
  uint64_t weight() const { return total; }
  void add(uint16_t l, uint32_t n = 1) {
    total += n;
    size_t slot = 0;  // the label's, else a free one, else the least counted (it gives way)
    for (size_t i = 0; i < kKept; ++i) {
      if (label[i] == l) {
        slot = i;
        break;
      }
      if (label[slot] != 0 && (label[i] == 0 || count[i] < count[slot])) slot = i;
    }
    if (label[slot] != l) label[slot] = l, count[slot] = 0;
    count[slot] += n;
  }
  void merge(const HostLabels& o) {
    for (size_t i = 0; i < kKept; ++i)
      if (o.label[i] != 0) add(o.label[i], o.count[i]);
    total += o.total - std::min(o.total, sum(o));  // sessions counted under labels it gave way
  }
  static uint32_t sum(const HostLabels& h) {
    uint32_t n = 0;
    for (uint32_t c : h.count) n += c;
    return n;
  }
};

// Sessions from one client to one login service (brute_force).
struct LoginAttempts {
  uint32_t sessions = 0, established = 0, failed = 0;
  DistinctSet client_ports;
  TimeSpan span;
  uint64_t weight() const { return sessions; }
  void merge(const LoginAttempts& o) {
    sessions += o.sessions, established += o.established, failed += o.failed;
    client_ports.merge(o.client_ports);
    span.merge(o.span);
  }
};

}  // namespace synwatch::detect
