// The DPDK input: EAL, ports, one RxPoller per worker lcore.
#include <chrono>
#include <thread>

#include "dataplane/daemon/daemon_run.h"
#include "dataplane/daemon/eal_arguments.h"
#include "dataplane/pipeline/worker_loop.h"
#include "dataplane/runtime/dpdk_ports.h"
#include "dataplane/runtime/eal_session.h"
#include "dataplane/runtime/lcore_launch.h"
#include "dataplane/runtime/rx_poller.h"

namespace synwatch::daemon {

bool run_dpdk(const config::SynwatchConfig& config, pipeline::Pipeline& pipeline,
              RunOutputs& outputs, std::atomic<bool>& stop, uint32_t duration_s,
              RunReport& report, std::string& error) {
  const DataplaneConfig& d = config.dataplane;
  auto eal = runtime::EalSession::start(eal_arguments(d, allowed_cpus()), error);
  if (!eal) return false;
  std::vector<std::string> warnings;
  auto ports = runtime::DpdkPorts::start(d, error, warnings);
  if (!ports) return false;
  warn(warnings);

  const uint32_t workers = pipeline.size();
  const auto queues = ports->queues_for(workers);
  bool capture = true;  // every port a finite capture
  for (const auto& list : queues)
    for (const auto& q : list) capture &= q.finite;
  std::vector<std::unique_ptr<runtime::RxPoller>> pollers;
  std::vector<std::string> placement;
  for (uint32_t i = 0; i < workers; ++i) {
    bool remote = false;
    const int socket = runtime::worker_socket(i);
    for (const auto& q : queues[i]) remote |= socket >= 0 && socket != q.socket;
    // A worker reading a port on another NUMA socket pulls every packet across the
    // interconnect: it works, slower.
    if (remote)
      placement.push_back("worker " + std::to_string(i) + " runs on NUMA socket " +
                          std::to_string(socket) +
                          " but reads a port on another; list lcores on the port's socket");
    auto p = runtime::RxPoller::create(queues[i], d, capture, error);
    if (!p) return false;
    pipeline.worker(i).set_input_counters(&p->counters());
    pollers.push_back(std::move(p));
  }
  warn(placement);
  // A capture is replayed without loss and in flow time: same sessions as the offline
  // replay, whatever the number of workers or the speed of the machine.
  pipeline.set_lossless(capture);
  report.input = capture ? "capture through DPDK net_pcap, flow time" : "DPDK ports";
  const std::string input = "DPDK port(s) " + ports->names() + (capture ? ", replaying in flow time" : "");
  announce(pipeline, input);
  if (outputs.on_input) outputs.on_input(input);

  std::vector<std::function<void()>> jobs;
  for (uint32_t i = 0; i < workers; ++i) {
    runtime::RxPoller& poller = *pollers[i];
    jobs.push_back([&pipeline, &poller, &stop, i] {
      pipeline::run_worker(
          pipeline, i, [&poller](pipeline::Worker& w) { return poller.poll(w); },
          [&] { return stop.load(std::memory_order_relaxed) || poller.exhausted(); });
    });
  }
  const auto started = std::chrono::steady_clock::now();
  pipeline.set_port_stats_reader([&ports, workers] { return ports->stats(workers); });
  if (!runtime::launch_on_worker_lcores(jobs, error)) {
    pipeline.set_port_stats_reader(nullptr);
    return false;
  }
  stop_after(stop, duration_s);
  ControlThreads control(pipeline, outputs, config.output);
  // EAL's wait spins; the main thread sleeps instead, leaving its CPU to the workers.
  for (bool all_done = false; !all_done;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    all_done = true;
    for (uint32_t i = 0; i < workers; ++i) all_done &= pipeline.worker(i).sessions_finished();
  }
  runtime::wait_worker_lcores();
  // Fragments still waiting for the rest never will: counted as dropped, not lost.
  for (const auto& p : pollers) p->drop_held_fragments();
  pipeline.set_port_stats_reader(nullptr);
  ports->stop();
  control.join();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  report.port_lines = ports->describe();
  for (const auto& p : pollers) report.input_counters.push_back(p->counters());
  report.input_counters.front().merge(ports->nic_counters());
  pollers.clear();  // their reassembly tables live in DPDK memory: free before the EAL goes
  ports.reset();
  return true;
}

}  // namespace synwatch::daemon
