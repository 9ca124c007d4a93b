#include "dataplane/runtime/rx_poller.h"

#include <rte_cycles.h>
#include <rte_ethdev.h>
#include <rte_ip_frag.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>
#include <rte_prefetch.h>

#include <algorithm>

#include "dataplane/common/wall_clock.h"
#include "dataplane/wire/headers.h"

namespace synwatch::runtime {
namespace {

// A capture queue that stays empty this long has reached its end. net_pcap returns
// nothing only at the end of its file, so this is a margin, not a guess.
constexpr uint64_t kEndOfCaptureMs = 100;

static_assert(daemon::DataplaneConfig::kFragmentsPerDatagram == RTE_LIBRTE_IP_FRAG_MAX_FRAG,
              "the mbufs set aside for reassembly assume DPDK's fragments per datagram");

}  // namespace

std::unique_ptr<RxPoller> RxPoller::create(std::vector<RxQueue> queues,
                                           const daemon::DataplaneConfig& config, bool capture,
                                           std::string& error) {
  std::unique_ptr<RxPoller> p(new RxPoller());
  p->queues_ = std::move(queues);
  p->all_finite_ = capture;
  for (const auto& q : p->queues_) p->all_finite_ &= q.finite;
  p->tsc_per_ms_ = std::max<uint64_t>(rte_get_tsc_hz() / 1000, 1);
  p->idle_end_tsc_ = p->tsc_per_ms_ * kEndOfCaptureMs;
  p->last_rx_tsc_ = rte_rdtsc();
  p->tick_tsc_ = p->tsc_per_ms_ * pipeline::Worker::kTickMs;
  p->next_tick_tsc_ = p->last_rx_tsc_ + p->tick_tsc_;
  p->timestamp_offset_ = rte_mbuf_dynfield_lookup(RTE_MBUF_DYNFIELD_TIMESTAMP_NAME, nullptr);
  const int flag_bit = rte_mbuf_dynflag_lookup(RTE_MBUF_DYNFLAG_RX_TIMESTAMP_NAME, nullptr);
  if (flag_bit >= 0) p->timestamp_flag_ = 1ULL << flag_bit;
  p->scratch_ = std::make_unique<ScratchFrame>();
  p->death_row_ = std::make_unique<rte_ip_frag_death_row>();
  p->death_row_->cnt = 0;
  if (p->queues_.empty()) return p;
  // Buckets of 16 entries; a full bucket or table drops the new fragment (counted).
  // The table's "cycles" are milliseconds (see reassembly_ms_).
  const uint32_t entries = 16;
  const uint32_t buckets = (config.reassembly_flows + entries - 1) / entries;
  p->fragments_ = rte_ip_frag_table_create(buckets, entries, config.reassembly_flows,
                                           config.reassembly_timeout_ms, p->queues_.front().socket);
  if (p->fragments_ == nullptr) {
    error = "dataplane.reassembly_flows: cannot allocate a reassembly table for " +
            std::to_string(config.reassembly_flows) + " datagrams";
    return nullptr;
  }
  return p;
}

RxPoller::~RxPoller() {
  if (death_row_) free_death_row();
  if (fragments_ != nullptr) rte_ip_frag_table_destroy(fragments_);
}

bool RxPoller::exhausted() const {
  return all_finite_ && rte_rdtsc() - last_rx_tsc_ > idle_end_tsc_;
}

void RxPoller::free_death_row() {
  counters_.add(wire::InputCounter::fragment_dropped, death_row_->cnt);
  rte_ip_frag_free_death_row(death_row_.get(), 3);
}

uint64_t RxPoller::ms_of_tsc(uint64_t tsc) const { return tsc / tsc_per_ms_; }

void RxPoller::expire_fragments() {
  if (fragments_ == nullptr) return;
  if (!all_finite_) reassembly_ms_ = ms_of_tsc(rte_rdtsc());
  rte_ip_frag_table_del_expired_entries(fragments_, death_row_.get(), reassembly_ms_);
  free_death_row();
}

void RxPoller::drop_held_fragments() {
  if (fragments_ == nullptr) return;
  // Past every entry's time; each call stops when the death row is full, so repeat.
  for (uint32_t freed = 1; freed != 0;) {
    rte_ip_frag_table_del_expired_entries(fragments_, death_row_.get(), UINT64_MAX);
    freed = death_row_->cnt;
    free_death_row();
  }
}

uint32_t RxPoller::poll(pipeline::Worker& worker) {
  uint32_t delivered = 0;
  rte_mbuf* burst[kBurst];
  for (const auto& q : queues_) {
    const uint16_t n = rte_eth_rx_burst(q.port, q.queue, burst, kBurst);
    if (n == 0) continue;
    last_rx_tsc_ = rte_rdtsc();
    counters_.add(wire::InputCounter::frames_received, n);
    // Live arrival time once per burst; capture time per frame.
    const int64_t now_ms = q.capture_time ? 0 : wall_clock_ms();
    if (!all_finite_) reassembly_ms_ = ms_of_tsc(last_rx_tsc_);
    for (uint16_t i = 0; i < n && i < 4; ++i) rte_prefetch0(rte_pktmbuf_mtod(burst[i], void*));
    for (uint16_t i = 0; i < n; ++i) {
      if (i + 4 < n) rte_prefetch0(rte_pktmbuf_mtod(burst[i + 4], void*));
      rte_mbuf* m = burst[i];
      int64_t receive_ms = now_ms;
      if (q.capture_time && timestamp_offset_ >= 0 && (m->ol_flags & timestamp_flag_)) {
        const auto us = *RTE_MBUF_DYNFIELD(m, timestamp_offset_, rte_mbuf_timestamp_t*);
        receive_ms = static_cast<int64_t>(us / 1000);
      }
      // A replay's reassembly clock is the newest capture time (never backwards).
      if (all_finite_ && receive_ms > 0)
        reassembly_ms_ = std::max(reassembly_ms_, static_cast<uint64_t>(receive_ms));
      m = reassemble(m, reassembly_ms_);
      if (m == nullptr) continue;  // held until its other fragments arrive
      deliver(m, worker, receive_ms);
      rte_pktmbuf_free(m);
      ++delivered;
    }
    if (death_row_->cnt != 0) free_death_row();
  }
  if (const uint64_t now = rte_rdtsc(); now >= next_tick_tsc_) {
    next_tick_tsc_ = now + tick_tsc_;
    // Live ports only: a capture's clock is its flow time and nothing else.
    if (!all_finite_) worker.tick(wall_clock_ms());
    else worker.publish_stats();  // tick() publishes for live ports
    expire_fragments();
  }
  return delivered;
}

rte_mbuf* RxPoller::reassemble(rte_mbuf* m, uint64_t now_ms) {
  if (fragments_ == nullptr || m->nb_segs != 1) return m;
  wire::ByteCursor c(rte_pktmbuf_mtod(m, const uint8_t*), rte_pktmbuf_data_len(m));
  uint16_t ethertype;
  if (!wire::skip_ethernet(c, ethertype)) return m;
  const auto l2_len = static_cast<uint16_t>(c.current() - rte_pktmbuf_mtod(m, const uint8_t*));
  if (ethertype == wire::kEtherTypeIpv4 && c.remaining() >= sizeof(rte_ipv4_hdr)) {
    auto* ip = rte_pktmbuf_mtod_offset(m, rte_ipv4_hdr*, l2_len);
    if (!rte_ipv4_frag_pkt_is_fragmented(ip)) return m;
    m->l2_len = l2_len & 0x7fu;  // at most 14 + 4 VLAN tags: fits its 7 bits
    m->l3_len = rte_ipv4_hdr_len(ip) & 0x1ffu;
    rte_mbuf* whole = rte_ipv4_frag_reassemble_packet(fragments_, death_row_.get(), m, now_ms, ip);
    if (whole != nullptr) counters_.add(wire::InputCounter::fragments_reassembled);
    return whole;
  }
  if (ethertype == wire::kEtherTypeIpv6 && c.remaining() >= sizeof(rte_ipv6_hdr) + 8) {
    auto* ip = rte_pktmbuf_mtod_offset(m, rte_ipv6_hdr*, l2_len);
    auto* frag = rte_ipv6_frag_get_ipv6_fragment_header(ip);
    if (frag == nullptr) return m;
    m->l2_len = l2_len & 0x7fu;  // at most 14 + 4 VLAN tags: fits its 7 bits
    m->l3_len = (sizeof(rte_ipv6_hdr) + sizeof(*frag)) & 0x1ffu;
    rte_mbuf* whole =
        rte_ipv6_frag_reassemble_packet(fragments_, death_row_.get(), m, now_ms, ip, frag);
    if (whole != nullptr) counters_.add(wire::InputCounter::fragments_reassembled);
    return whole;
  }
  return m;
}

void RxPoller::deliver(rte_mbuf* m, pipeline::Worker& worker, int64_t receive_ms) {
  wire::UdpDatagram dgram;
  if (!udp_datagram_of(m, *scratch_, dgram, worker.packet_counters())) return;
  const decode::ExportContext ctx{dgram.src, receive_ms};
  worker.on_datagram(ctx, dgram.payload, dgram.length);
}

}  // namespace synwatch::runtime
