// The kernel UDP input: SO_REUSEPORT sockets, one UdpPoller per worker thread.
#include <pthread.h>

#include <chrono>
#include <thread>

#include "dataplane/daemon/daemon_run.h"
#include "dataplane/pipeline/worker_loop.h"
#include "dataplane/socket/udp_poller.h"
#include "dataplane/socket/udp_sockets.h"

namespace synwatch::daemon {
namespace {

void pin_to_cpu(std::thread& t, uint32_t cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  pthread_setaffinity_np(t.native_handle(), sizeof set, &set);
}

}  // namespace

bool run_udp(const config::SynwatchConfig& config, pipeline::Pipeline& pipeline,
             RunOutputs& outputs, std::atomic<bool>& stop, uint32_t duration_s,
             RunReport& report, std::string& error) {
  const DataplaneConfig& d = config.dataplane;
  std::vector<std::string> warnings;
  auto sockets = socket_input::UdpSockets::open(d, error, warnings);
  if (!sockets) return false;
  warn(warnings);
  report.input = sockets->description();
  announce(pipeline, report.input);
  if (outputs.on_input) outputs.on_input(report.input);

  const uint32_t workers = pipeline.size();
  std::vector<std::unique_ptr<socket_input::UdpPoller>> pollers;
  const auto idle_wait = workers > 1 ? socket_input::UdpPoller::kIdleWaitWithPeers
                                     : socket_input::UdpPoller::kIdleWaitAlone;
  for (uint32_t i = 0; i < workers; ++i) {
    pollers.push_back(std::make_unique<socket_input::UdpPoller>(sockets->of_worker(i), idle_wait));
    pipeline.worker(i).set_input_counters(&pollers.back()->counters());
  }

  const auto started = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (uint32_t i = 0; i < workers; ++i) {
    socket_input::UdpPoller& poller = *pollers[i];
    threads.emplace_back([&pipeline, &poller, &stop, i] {
      pipeline::run_worker(
          pipeline, i, [&poller](pipeline::Worker& w) { return poller.poll(w); },
          [&] { return stop.load(std::memory_order_relaxed) && poller.drained_after_stop(); });
    });
    if (!d.lcores.empty()) pin_to_cpu(threads.back(), d.lcores[i]);
  }
  stop_after(stop, duration_s);
  ControlThreads control(pipeline, outputs, config.output);
  for (auto& t : threads) t.join();
  control.join();
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const auto& p : pollers) report.input_counters.push_back(p->counters());
  return true;
}

}  // namespace synwatch::daemon
