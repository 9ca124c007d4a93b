// IntervalPartial: what one shard's decided sessions of one interval of flow time add
// to each detector. Shards fill their own (no sharing, no locks); the control side
// merges the shards' partials of an interval into one, exactly and in any order, puts
// it in key order and runs the detectors over the result.
#pragma once

#include <cstdint>

#include "dataplane/detect/capped_table.h"
#include "dataplane/detect/partial_keys.h"
#include "dataplane/detect/partial_values.h"
#include "dataplane/detect/session_facts.h"
#include "dataplane/session/session_event.h"

namespace synwatch::detect {

struct DetectConfig;

class IntervalPartial {
 public:
  IntervalPartial(uint32_t keys, const DetectConfig& config);

  // One decided session; `first_contact` when it is the client's first to this service.
  void add(const session::SessionEvent& e, const SessionFacts& f, bool first_contact);
  // Cache warming for add() of the same session a little later (ShardDetector batches
  // its sessions): the index slots of the tables it will touch, then their entries.
  void prefetch_slots(const session::SessionEvent& e, const SessionFacts& f) const;
  void prefetch_entries(const session::SessionEvent& e, const SessionFacts& f) const;

  // Adds `other`'s counts. The merged tables have room for every shard's keys
  // (DetectEngine), so the sums do not depend on the order of the merges.
  void merge(const IntervalPartial& other);
  // Puts every table's entries in key-hash order, so that the detectors read a merged
  // partial alike however its shards' partials arrived (CappedTable::sort_by_hash).
  void sort_by_hash();
  void clear();
  bool empty() const { return sessions_ == 0; }

  int64_t interval = -1;  // which interval (decided_ms / interval length)
  uint64_t sessions() const { return sessions_; }

  CappedTable<HostPortKey, ServiceStats, HostPortKey::Hash> services;
  CappedTable<ConnectionKey, ClientFailures, ConnectionKey::Hash> client_failures;
  CappedTable<HostPairKey, PairProbes, HostPairKey::Hash> pair_probes;
  CappedTable<HostPairKey, StealthProbes, HostPairKey::Hash> stealth;
  CappedTable<HostPortKey, SweepProbes, HostPortKey::Hash> sweeps;
  CappedTable<HostKey, FirstContacts, HostKey::Hash> contacts;
  CappedTable<HostKey, ResponderOnly, HostKey::Hash> responders;
  CappedTable<ConnectionKey, LoginAttempts, ConnectionKey::Hash> logins;
  CappedTable<HostPairKey, SampledProbes, HostPairKey::Hash> sampled_probes;
  // Signature labels of labelled sessions: by client, and by service (server, port).
  CappedTable<HostKey, HostLabels, HostKey::Hash> client_labels;
  CappedTable<HostPortKey, HostLabels, HostPortKey::Hash> service_labels;

  // Evictions and refusals of all tables, for the counters.
  TableCounters table_counters() const;

 private:
  bool login_port(uint16_t port) const;
  // visit(table, key) for the tables the common sessions touch; add() decides.
  template <typename Visit>
  void visit_keys(const session::SessionEvent& e, const SessionFacts& f, Visit&& visit) const;

  // f(mine, theirs) for each table of `self` (this partial, const or not) and the same
  // table of `other`.
  template <typename Self, typename F>
  static void for_each_table(Self& self, const IntervalPartial& other, F&& f) {
    f(self.services, other.services);
    f(self.client_failures, other.client_failures);
    f(self.pair_probes, other.pair_probes);
    f(self.stealth, other.stealth);
    f(self.sweeps, other.sweeps);
    f(self.contacts, other.contacts);
    f(self.responders, other.responders);
    f(self.logins, other.logins);
    f(self.sampled_probes, other.sampled_probes);
    f(self.client_labels, other.client_labels);
    f(self.service_labels, other.service_labels);
  }

  const DetectConfig& config_;
  uint64_t sessions_ = 0;
};

}  // namespace synwatch::detect
