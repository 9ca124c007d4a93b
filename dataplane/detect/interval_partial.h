// IntervalPartial: what one shard's decided sessions of one interval of flow time add
// to each detector. Shards fill their own (no sharing, no locks); the control side
// merges the shards' partials of an interval into one, exactly and in any order, and
// runs the detectors over the result.
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

  void merge(const IntervalPartial& other);
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

  const DetectConfig& config_;
  uint64_t sessions_ = 0;
};

}  // namespace synwatch::detect
