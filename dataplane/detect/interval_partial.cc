#include "dataplane/detect/interval_partial.h"

#include <algorithm>

#include "dataplane/detect/detect_config.h"

namespace synwatch::detect {

IntervalPartial::IntervalPartial(uint32_t keys, const DetectConfig& config)
    : services(keys), client_failures(keys), pair_probes(keys), stealth(keys), sweeps(keys),
      contacts(keys), responders(keys), logins(keys), sampled_probes(keys),
      // Labelled sessions are a fraction of all: a quarter of the keys is plenty.
      client_labels(std::max<uint32_t>(keys / 4, 64)), service_labels(std::max<uint32_t>(keys / 4, 64)),
      config_(config) {}

void IntervalPartial::add(const session::SessionEvent& e, const SessionFacts& f, bool first_contact) {
  ++sessions_;
  const Perspective p = e.perspective;
  if (e.label != 0) [[unlikely]] {
    if (HostLabels* l = client_labels.upsert({e.client, p})) l->add(e.label);
    if (HostLabels* l = service_labels.upsert({e.server, e.server_port, p})) l->add(e.label);
  }
  if (e.sampled && e.proto == 6 && p != Perspective::kExcluded) {
    // Sampled sessions never count as failed; their flag estimates feed syn_flood, and
    // the probe-like ones port_scan's sampled estimate.
    if (ServiceStats* s = services.upsert({e.server, e.server_port, p})) {
      s->sampled_syn += e.syn_packets;
      s->sampled_synack += e.synack_packets;
      s->span.add(e.start_ms, e.end_ms);
    }
    if (f.sampled_probe) {
      if (SampledProbes* sp = sampled_probes.upsert({e.client, e.server, p})) {
        ++sp->sessions;
        sp->ports.add(e.server_port);
        sp->pairs.add(uint32_t{e.client_port} << 16 | e.server_port);
        sp->sampling = std::max(sp->sampling, e.sampling);
        sp->span.add(e.start_ms, e.end_ms);
      }
    }
    return;
  }
  if (!f.usable) return;

  if (f.attempt) {
    if (ServiceStats* s = services.upsert({e.server, e.server_port, p})) {
      ++s->attempts;
      s->established += e.established;
      s->failed += e.failed;
      s->rejected += e.failed && e.state == session::ConnState::REJ;
      s->unanswered += e.failed && e.state != session::ConnState::REJ;
      s->span.add(e.start_ms, e.end_ms);
      if (e.failed) {
        s->failed_clients.add(address_tag(e.client));
        s->client_sample.add(e.client);
      }
    }
    if (e.failed) {
      if (ClientFailures* c = client_failures.upsert({e.client, e.server, e.server_port, p})) {
        ++c->failed;
        c->span.add(e.start_ms, e.end_ms);
      }
    }
    if (login_port(e.server_port)) {
      if (LoginAttempts* l = logins.upsert({e.client, e.server, e.server_port, p})) {
        ++l->sessions;
        l->established += e.established;
        l->failed += e.failed;
        l->client_ports.add(e.client_port);
        l->span.add(e.start_ms, e.end_ms);
      }
    }
  }

  if (f.probe != ProbeKind::kNone) {
    const IpAddress& source = f.prober_is_client ? e.client : e.server;
    const IpAddress& target = f.prober_is_client ? e.server : e.client;
    const uint16_t port = f.prober_is_client ? e.server_port : e.client_port;
    const Perspective pp = f.prober_is_client ? p : session::reverse(p);
    if (PairProbes* pr = pair_probes.upsert({source, target, pp})) {
      ++pr->probes;
      pr->ports.add(port);
      pr->span.add(e.start_ms, e.end_ms);
    }
    if (SweepProbes* sw = sweeps.upsert({source, port, pp})) {
      ++sw->probes;
      sw->targets.add(address_tag(target));
      sw->target_sample.add(target);
      sw->span.add(e.start_ms, e.end_ms);
    }
    if (is_stealth(f.probe)) {
      if (StealthProbes* st = stealth.upsert({source, target, pp})) {
        const auto k = static_cast<size_t>(stealth_kind(f.probe));
        ++st->probes[k];
        st->ports[k].add(port);
        st->span.add(e.start_ms, e.end_ms);
      }
    }
    if (FirstContacts* fc = contacts.upsert({source, pp})) {
      if (first_contact) fc->add({e.start_ms, target, port, true});
      else ++fc->retries;
      fc->span.add(e.start_ms, e.end_ms);
    }
  } else if (first_contact && e.established) {
    if (FirstContacts* fc = contacts.upsert({e.client, p})) {
      fc->add({e.start_ms, e.server, e.server_port, false});
      fc->span.add(e.start_ms, e.end_ms);
    }
  }

  if (f.responder_only || f.half_open) {
    const bool by_server = f.half_open || f.responder_is_server;
    const IpAddress& responder = by_server ? e.server : e.client;
    const IpAddress& peer = by_server ? e.client : e.server;
    // The perspective of the answered connection: peer as client, responder as server.
    const Perspective rp = by_server ? p : session::reverse(p);
    if (ResponderOnly* r = responders.upsert({responder, rp})) {
      ++r->sessions;
      r->half_open += f.half_open;
      r->synack += f.responder_only && f.responder_synack;
      r->rst += f.responder_only && !f.responder_synack;
      r->peers.add(address_tag(peer));
      r->peer_sample.add(peer);
      r->span.add(e.start_ms, e.end_ms);
    }
  }
}

bool IntervalPartial::login_port(uint16_t port) const {
  return std::find(config_.login_ports.begin(), config_.login_ports.end(), port) != config_.login_ports.end();
}

template <typename Visit>
void IntervalPartial::visit_keys(const session::SessionEvent& e, const SessionFacts& f, Visit&& visit) const {
  if (!f.usable) return;  // sampled sessions are few and light
  const Perspective p = e.perspective;
  if (f.attempt) {
    visit(services, HostPortKey{e.server, e.server_port, p});
    if (e.failed) visit(client_failures, ConnectionKey{e.client, e.server, e.server_port, p});
    if (login_port(e.server_port)) visit(logins, ConnectionKey{e.client, e.server, e.server_port, p});
  }
  if (f.probe != ProbeKind::kNone) {
    const IpAddress& source = f.prober_is_client ? e.client : e.server;
    const IpAddress& target = f.prober_is_client ? e.server : e.client;
    const Perspective pp = f.prober_is_client ? p : session::reverse(p);
    visit(pair_probes, HostPairKey{source, target, pp});
    visit(sweeps, HostPortKey{source, f.prober_is_client ? e.server_port : e.client_port, pp});
    visit(contacts, HostKey{source, pp});
  } else if (e.established) {
    visit(contacts, HostKey{e.client, p});  // a first contact's, which most established ones are
  }
}

void IntervalPartial::prefetch_slots(const session::SessionEvent& e, const SessionFacts& f) const {
  visit_keys(e, f, [](const auto& table, const auto& key) { table.prefetch_slot(key); });
}

void IntervalPartial::prefetch_entries(const session::SessionEvent& e, const SessionFacts& f) const {
  visit_keys(e, f, [](const auto& table, const auto& key) { table.prefetch_entry(key); });
}

void IntervalPartial::merge(const IntervalPartial& o) {
  sessions_ += o.sessions_;
  for_each_table(*this, o, [](auto& mine, const auto& theirs) { mine.merge(theirs); });
}

void IntervalPartial::sort_by_hash() {
  for_each_table(*this, *this, [](auto& table, const auto&) { table.sort_by_hash(); });
}

void IntervalPartial::clear() {
  sessions_ = 0;
  interval = -1;
  for_each_table(*this, *this, [](auto& table, const auto&) { table.clear(); });
}

TableCounters IntervalPartial::table_counters() const {
  TableCounters t;
  for_each_table(*this, *this, [&](const auto& table, const auto&) {
    t.evicted += table.counters().evicted;
    t.refused += table.counters().refused;
  });
  return t;
}

}  // namespace synwatch::detect
