// synwatchd: the appliance. Receives flow exports on DPDK ports (or kernel UDP
// sockets), joins their records into TCP sessions on pinned worker cores, writes every
// decided session and runs the detectors over them (alerts); an orderly stop on
// SIGINT/SIGTERM loses no accepted session and evaluates every interval. SIGHUP reopens
// the output files (logrotate) and reloads the configuration file the way the API's
// ApplyConfig does.
#include <signal.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <sstream>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>

#include "control/alerts/alert_load.h"
#include "control/alerts/alert_store.h"
#include "control/api/api_server.h"
#include "control/config/config_diff.h"
#include "control/config/config_schema.h"
#include "control/config/config_store.h"
#include "control/metrics/metrics_exporter.h"
#include "control/sessions/session_watch.h"
#include "control/sinks/alert_sinks.h"
#include "dataplane/common/thread_name.h"
#include "dataplane/daemon/daemon_options.h"
#include "dataplane/daemon/daemon_run.h"
#include "dataplane/daemon/eal_arguments.h"
#include "dataplane/replay/replay_summary.h"
#include "dataplane/runtime/eal_session.h"
#include "dataplane/signature/signature_set.h"

namespace {

using namespace synwatch;

std::atomic<bool> g_stop{false}, g_reload{false};
static_assert(std::atomic<bool>::is_always_lock_free, "set from a signal handler");

void on_stop_signal(int) { g_stop.store(true, std::memory_order_relaxed); }
void on_reload_signal(int) { g_reload.store(true, std::memory_order_relaxed); }

void install_signal_handlers() {
  struct sigaction sa{};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sa.sa_handler = on_reload_signal;
  sigaction(SIGHUP, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a closed output pipe is a write error, not a silent death
}

int fail(const std::string& message) {
  std::fprintf(stderr, "synwatchd: %s\n", message.c_str());
  return 2;
}

std::string file_text(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// SIGHUP: the output files opened again by path (each by the thread that writes it),
// then the configuration file through the applier (validated whole, refused with the
// reason if it changes what only a restart can). Polled: a signal handler may do
// nothing more than set the flag.
class Reloader {
 public:
  Reloader(config::ConfigApplier& applier, std::string path, std::function<void()> reopen_outputs)
      : applier_(applier), path_(std::move(path)), reopen_outputs_(std::move(reopen_outputs)) {
    thread_ = std::thread([this] {
      name_this_thread("sw-reload");
      while (!done_.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        if (g_reload.exchange(false)) reload();
      }
    });
  }
  ~Reloader() {
    done_ = true;
    thread_.join();
  }

 private:
  void reload() {
    reopen_outputs_();
    std::fprintf(stderr, "synwatchd: SIGHUP: reopening the output files\n");
    if (path_.empty()) return;  // started without --config: nothing to reload
    std::ifstream in(path_);
    if (!in) {
      daemon::warn({"SIGHUP: cannot read " + path_ + "; the configuration is unchanged"});
      return;
    }
    config::ApplyRequest request;
    request.yaml = file_text(path_);
    request.write_back = false;
    request.who = "SIGHUP";
    const config::ApplyResult r = applier_.apply(request);
    if (r.code != config::ApplyResult::Code::kOk)
      daemon::warn({"SIGHUP: " + path_ + ": " + r.message});
    else if (!r.applied)
      std::fprintf(stderr, "synwatchd: SIGHUP: %s is unchanged (version %llu)\n", path_.c_str(),
                   static_cast<unsigned long long>(r.version));
  }

  config::ConfigApplier& applier_;
  const std::string path_;
  const std::function<void()> reopen_outputs_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int main(int argc, char** argv) {
  daemon::DaemonOptions options;
  if (std::string problem = daemon::parse_daemon_options(argc, argv, options); !problem.empty())
    return fail(problem);
  if (options.help) {
    std::fputs(daemon::kDaemonUsage, stdout);
    return 0;
  }
  if (options.version) {
    std::printf("synwatchd %s (%s)\n", SYNWATCH_VERSION, runtime::EalSession::dpdk_version().c_str());
    return 0;
  }
  if (options.list_counters) {
    replay::print_counter_list(stdout);
    return 0;
  }
  if (options.config_reference) {
    std::fputs(config::config_reference().c_str(), stdout);
    return 0;
  }
  const config::SynwatchConfig& config = options.config;
  if (options.check_config) {
    std::printf("synwatchd: %s is valid\n",
                options.config_file.empty() ? "the configuration" : options.config_file.c_str());
    return 0;
  }

  // Before the first thread starts (sinks, gRPC, metrics): they all inherit this.
  if (!daemon::confine_to(daemon::control_cpus(config.dataplane, daemon::allowed_cpus())))
    daemon::warn({"cannot keep the control threads off the workers' CPUs (sched_setaffinity refused)"});

  std::string error;
  replay::OutputFile sessions_out(1 << 20);
  if (!sessions_out.open(config.output.sessions, error)) return fail("output.sessions: " + error);
  // The alerts file and syslog, each on its own thread behind a bounded queue.
  sinks::AlertSinks slow_sinks;
  if (!slow_sinks.open(config.output, stderr, error)) return fail(error);

  install_signal_handlers();

  const uint32_t workers = config.dataplane.workers();
  const auto signatures = signature::SignatureSet::compile_for_use(config.signatures, workers, error);
  if (!error.empty()) return fail("signatures." + error);
  pipeline::Pipeline pipeline(workers, config.decoder, config.sessions,
                              config.dataplane.handoff_ring_records(), &config.detect, signatures);
  replay::SessionWriter writer(sessions_out.stream());
  replay::AlertWriter alerts(nullptr);  // counts for the summary
  control::AlertStore alert_store(config.api.alert_history);
  // Where every alert event goes: the API's store and the slow sinks. The detectors'
  // events are also counted for the summary; --bench-alerts adds its own here.
  std::vector<detect::AlertSink*> destinations{&alert_store};
  for (detect::AlertSink* s : slow_sinks.sinks()) destinations.push_back(s);
  detect::AlertFanout delivered(destinations);
  detect::AlertFanout alert_sinks(std::vector<detect::AlertSink*>{&alerts, &delivered});
  std::unique_ptr<detect::DetectEngine> engine;
  if (config.detect.enabled) engine = std::make_unique<detect::DetectEngine>(config.detect, workers, alert_sinks);
  std::unique_ptr<detect::SnapshotKeeper> snapshots;
  if (engine && !config.detect.snapshot_path.empty()) {
    snapshots = std::make_unique<detect::SnapshotKeeper>(config.detect.snapshot_path, config.detect.snapshot_every_s,
                                                         stderr, "synwatchd");
    snapshots->restore(*engine);
  }
  // /metrics from the start: a scrape before the first packet shows a running daemon.
  std::unique_ptr<control::MetricsExporter> metrics;
  if (!config.metrics.listen.empty()) {
    metrics = control::MetricsExporter::start(config.metrics.listen, pipeline, writer, &alert_store, &slow_sinks,
                                              error);
    if (!metrics && config.metrics.listen_set) return fail(error);
    if (!metrics) daemon::warn({error + "; serving no metrics"});
    else std::fprintf(stderr, "synwatchd: metrics on http://%s/metrics\n", metrics->address().c_str());
  }
  config::ConfigStore config_store(file_text(options.config_file), options.config_file);
  control::DaemonStatus daemon_status(SYNWATCH_VERSION, wall_ms());
  control::SessionWatch session_watch({config.api.recent_sessions, config.api.top_keys});
  detect::EngineRequests engine_requests;
  // The workers' live settings (address plan, sampling overrides) as they run, the
  // command line's overrides included: a change replaces only the settings it names.
  config::SynwatchConfig running = config;
  auto switch_workers = [&running, &pipeline](const config::SynwatchConfig& from_file,
                                               const std::vector<std::string>& changed) -> std::string {
    config::SynwatchConfig next = running;
    if (!config::take_worker_settings(changed, from_file, next)) return {};
    // The rules compile here, off the workers; unchanged rules keep their compiled set.
    std::shared_ptr<const signature::SignatureSet> rules = pipeline.live_settings().signatures;
    if (!(next.signatures == running.signatures)) {
      std::string why;
      rules = signature::SignatureSet::compile_for_use(next.signatures, pipeline.size(), why);
      if (!why.empty()) return "signatures." + why + "; nothing was applied";
    }
    std::string problem = pipeline.switch_live_settings(
        std::make_unique<pipeline::LiveSettings>(next.sessions, next.decoder, std::move(rules)));
    if (problem.empty()) running = std::move(next);
    return problem;
  };
  config::ConfigApplier config_applier(config_store, engine ? &engine_requests : nullptr, switch_workers,
                                       config.signatures);
  const control::ApiSources api_sources{pipeline,      writer,
                                        session_watch, alert_store,
                                        config_store,  daemon_status,
                                        engine ? &engine_requests : nullptr, &config_applier};
  std::unique_ptr<control::ApiServer> api;
  if (!config.api.listen.empty()) {
    api = control::ApiServer::start(config.api, api_sources, error);
    if (!api && config.api.listen_set) return fail(error);
    if (!api) daemon::warn({error + "; serving no API"});
    else std::fprintf(stderr, "synwatchd: API on %s (gRPC%s)\n", api->address().c_str(),
                      config.api.tls() ? ", TLS" : "");
  }
  daemon::RunOutputs outputs{writer, engine.get(), engine ? &alerts : nullptr, snapshots.get(),
                             &session_watch, &engine_requests,
                             [&daemon_status](const std::string& input) { daemon_status.set_input(input); },
                             &sessions_out};
  daemon::RunReport report;
  // Benchmarks: synthetic alerts to the API's subscribers and the sinks, beside the
  // detectors' own (both the store and the outboxes take events from any thread).
  std::unique_ptr<control::AlertLoad> alert_load;
  if (options.bench_alerts > 0) alert_load = std::make_unique<control::AlertLoad>(delivered, options.bench_alerts);
  Reloader reloader(config_applier, options.config_file, [&] {
    sessions_out.request_reopen();
    slow_sinks.request_reopen();
  });
  const bool ran = config.dataplane.input == daemon::InputKind::kUdp
                       ? daemon::run_udp(config, pipeline, outputs, g_stop, options.duration_s, report, error)
                       : daemon::run_dpdk(config, pipeline, outputs, g_stop, options.duration_s, report, error);
  const uint64_t synthetic_alerts = alert_load ? alert_load->sent() : 0;
  alert_load.reset();
  if (api) api->stop();
  if (!ran) return fail(error);
  if (options.bench_alerts > 0)
    std::fprintf(stderr, "synwatchd: --bench-alerts: %llu synthetic alert events sent\n",
                 static_cast<unsigned long long>(synthetic_alerts));

  int status = 0;
  if (!sessions_out.close()) status = fail("output.sessions: write failed");
  slow_sinks.close();  // the detectors are done: deliver what the queues hold
  for (const auto& outbox : slow_sinks.outboxes()) {
    const sinks::OutboxCounts c = outbox->counts();
    if (c.failed + c.dropped_queue_full == 0) continue;
    std::fprintf(stderr, "synwatchd: %s sink: %llu alert events not delivered (%llu failed, %llu dropped: queue full)\n",
                 outbox->name().c_str(), static_cast<unsigned long long>(c.failed + c.dropped_queue_full),
                 static_cast<unsigned long long>(c.failed), static_cast<unsigned long long>(c.dropped_queue_full));
    if (outbox->name() == "file") status = 2;
  }
  if (!options.quiet) daemon::print_run_summary(stderr, pipeline, outputs, report);
  return status;
}
