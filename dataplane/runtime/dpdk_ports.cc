#include "dataplane/runtime/dpdk_ports.h"

#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

#include <algorithm>
#include <cinttypes>

namespace synwatch::runtime {
namespace {

std::string reason(int rc) { return rte_strerror(rc < 0 ? -rc : rc); }

}  // namespace

std::unique_ptr<DpdkPorts> DpdkPorts::start(const daemon::DataplaneConfig& config,
                                            std::string& error,
                                            std::vector<std::string>& warnings) {
  std::unique_ptr<DpdkPorts> ports(new DpdkPorts());
  for (size_t i = 0; i < config.ports.size(); ++i) {
    const auto& pc = config.ports[i];
    const std::string field = "dataplane.ports[" + std::to_string(i) + "]";
    Port p{};
    p.name = pc.port_name();
    if (rte_eth_dev_get_port_by_name(p.name.c_str(), &p.id) != 0) {
      error = field + ".device: no DPDK port '" + p.name +
              (pc.is_pci() ? "' (is the NIC bound to vfio-pci? see dpdk-devbind.py --status)"
                           : "' (is the virtual device name right, e.g. net_pcap0,rx_pcap=FILE?)");
      return nullptr;
    }
    rte_eth_dev_info info;
    if (int rc = rte_eth_dev_info_get(p.id, &info); rc != 0) {
      error = field + ": cannot read device information: " + reason(rc);
      return nullptr;
    }
    p.driver = info.driver_name;
    p.socket = rte_eth_dev_socket_id(p.id);
    if (p.socket < 0) p.socket = 0;
    if (pc.rx_queues > info.max_rx_queues) {
      error = field + ".rx_queues: " + std::to_string(pc.rx_queues) + " is more than " + p.name +
              " has (" + std::to_string(info.max_rx_queues) + ")";
      return nullptr;
    }
    p.queues = static_cast<uint16_t>(pc.rx_queues);

    rte_eth_conf conf{};
    const uint64_t rss_hf = info.flow_type_rss_offloads & RTE_ETH_RSS_IP;
    p.rss = p.queues > 1 && rss_hf != 0;
    // Without RSS a NIC delivers everything to queue 0 and the other queues stay idle;
    // virtual devices such as net_pcap feed each queue from its own source. Either way
    // the queues are kept, and the operator is told exporters are not spread by address.
    if (p.queues > 1 && !p.rss)
      warnings.push_back(p.name + ": no RSS on IP addresses; its " + std::to_string(p.queues) +
                         " RX queues are not balanced by exporter (a NIC delivers everything to queue 0)");
    if (p.rss) {
      // Addresses only, never ports: every packet of an exporter lands on one queue,
      // so one worker holds that exporter's templates and sequence numbers.
      conf.rxmode.mq_mode = RTE_ETH_MQ_RX_RSS;
      conf.rx_adv_conf.rss_conf.rss_hf = rss_hf;
    }
    p.finite = p.driver == "net_pcap" && pc.device.find("infinite_rx=1") == std::string::npos;
    // net_pcap stamps every mbuf with the capture's time (in microseconds) without
    // advertising the timestamp offload; other drivers' stamps are NIC clock ticks.
    p.capture_time = p.driver == "net_pcap";

    if (static_cast<size_t>(p.socket) >= ports->pools_.size()) ports->pools_.resize(p.socket + 1);
    rte_mempool*& pool = ports->pools_[p.socket];
    if (pool == nullptr) {
      const std::string name = "synwatch_mbuf_s" + std::to_string(p.socket);
      // The reassembly share on top of the receive buffers: any worker may hold
      // fragments from this socket's ports (dataplane_config.h).
      const auto mbufs = static_cast<uint32_t>(config.mbufs_per_socket + config.reassembly_mbufs());
      pool = rte_pktmbuf_pool_create(name.c_str(), mbufs, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE, p.socket);
      if (pool == nullptr) {
        error = "dataplane.mbufs_per_socket: cannot create " + std::to_string(mbufs) + " mbufs (" +
                std::to_string(config.mbufs_per_socket) + " to receive into, " +
                std::to_string(config.reassembly_mbufs()) + " for reassembly) on socket " +
                std::to_string(p.socket) + ": " + reason(rte_errno) +
                (config.no_huge ? " (raise dataplane.memory_mb)" : " (reserve more hugepages)");
        return nullptr;
      }
    }
    if (int rc = rte_eth_dev_configure(p.id, p.queues, 0, &conf); rc != 0) {
      error = field + ": cannot configure " + p.name + ": " + reason(rc);
      return nullptr;
    }
    uint16_t descriptors = static_cast<uint16_t>(std::min<uint32_t>(pc.rx_descriptors, 65535));
    rte_eth_dev_adjust_nb_rx_tx_desc(p.id, &descriptors, nullptr);
    for (uint16_t q = 0; q < p.queues; ++q) {
      if (int rc = rte_eth_rx_queue_setup(p.id, q, descriptors, p.socket, nullptr, pool); rc != 0) {
        error = field + ": cannot set up RX queue " + std::to_string(q) + ": " + reason(rc);
        return nullptr;
      }
    }
    if (int rc = rte_eth_dev_start(p.id); rc != 0) {
      error = field + ": cannot start " + p.name + ": " + reason(rc);
      return nullptr;
    }
    // Exports are addressed to the collector's IP, not this port's MAC: accept every
    // frame (the port has no IP stack; mirrored or statically routed traffic arrives).
    rte_eth_promiscuous_enable(p.id);
    ports->ports_.push_back(p);
  }
  return ports;
}

DpdkPorts::~DpdkPorts() {
  stop();
  for (const auto& p : ports_) rte_eth_dev_close(p.id);
  for (rte_mempool* pool : pools_)
    if (pool != nullptr) rte_mempool_free(pool);
}

void DpdkPorts::stop() {
  if (stopped_) return;
  stopped_ = true;
  for (const auto& p : ports_) rte_eth_dev_stop(p.id);
}

std::vector<std::vector<RxQueue>> DpdkPorts::queues_for(uint32_t workers) const {
  std::vector<std::vector<RxQueue>> out(workers);
  uint32_t next = 0;
  for (const auto& p : ports_) {
    for (uint16_t q = 0; q < p.queues; ++q) {
      out[next % workers].push_back({p.id, q, p.socket, p.capture_time, p.finite});
      ++next;
    }
  }
  return out;
}

wire::InputCounters DpdkPorts::nic_counters() const {
  wire::InputCounters c;
  for (const auto& p : ports_) {
    rte_eth_stats s;
    if (rte_eth_stats_get(p.id, &s) != 0) continue;
    c.add(wire::InputCounter::nic_missed, s.imissed);
    c.add(wire::InputCounter::nic_no_mbuf, s.rx_nombuf);
    c.add(wire::InputCounter::nic_errors, s.ierrors);
  }
  return c;
}

std::vector<wire::PortStats> DpdkPorts::stats(uint32_t workers) const {
  std::vector<wire::PortStats> out;
  const auto dealt = queues_for(workers);
  for (const auto& p : ports_) {
    rte_eth_stats s{};
    rte_eth_stats_get(p.id, &s);
    wire::PortStats ps;
    ps.port = p.id;
    ps.name = p.name;
    ps.driver = p.driver;
    ps.socket = p.socket;
    ps.packets = s.ipackets, ps.bytes = s.ibytes;
    ps.missed = s.imissed, ps.no_mbuf = s.rx_nombuf, ps.errors = s.ierrors;
    for (uint32_t w = 0; w < dealt.size(); ++w)
      for (const auto& q : dealt[w]) {
        if (q.port != p.id) continue;
        wire::QueueStats qs;
        qs.queue = q.queue;
        qs.worker = w;
        if (q.queue < RTE_ETHDEV_QUEUE_STAT_CNTRS)
          qs.packets = s.q_ipackets[q.queue], qs.bytes = s.q_ibytes[q.queue], qs.errors = s.q_errors[q.queue];
        ps.queues.push_back(qs);
      }
    std::sort(ps.queues.begin(), ps.queues.end(),
              [](const wire::QueueStats& a, const wire::QueueStats& b) { return a.queue < b.queue; });
    out.push_back(std::move(ps));
  }
  return out;
}

std::string DpdkPorts::names() const {
  std::string out;
  for (const auto& p : ports_) out += (out.empty() ? "" : ", ") + p.name + " (" + p.driver + ")";
  return out;
}

std::vector<std::string> DpdkPorts::describe() const {
  std::vector<std::string> lines;
  for (const auto& p : ports_) {
    rte_eth_stats s{};
    rte_eth_stats_get(p.id, &s);
    char line[256];
    std::snprintf(line, sizeof line,
                  "port %u %s (%s, socket %d): %u RX queue(s)%s, %" PRIu64 " frames, %" PRIu64 " bytes",
                  p.id, p.name.c_str(), p.driver.c_str(), p.socket, p.queues,
                  p.rss ? " with RSS on IP addresses" : "", s.ipackets, s.ibytes);
    lines.push_back(line);
  }
  return lines;
}

}  // namespace synwatch::runtime
