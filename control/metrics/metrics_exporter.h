// MetricsExporter: Prometheus `/metrics` over HTTP, served by prometheus-cpp's Exposer
// on its own thread. A scrape reads every worker's last published stats (WorkerStats,
// copied by the workers every 100 ms); nothing on the dataplane waits for it.
//
// Series are per worker, so PromQL can both sum and tell a hot worker apart; decided
// sessions, counted once by the writer, are per state and perspective. Every label set
// is bounded: workers x the fixed counter lists of docs/counters.md, states x
// perspectives.
#pragma once

#include <memory>
#include <string>

namespace prometheus {
class Exposer;
}

namespace synwatch::pipeline {
class Pipeline;
}
namespace synwatch::replay {
class SessionWriter;
}
namespace synwatch::sinks {
class AlertSinks;
}

namespace synwatch::control {

class AlertStore;
class PipelineCollector;

class MetricsExporter {
 public:
  // Listens on `listen` ("127.0.0.1:9610", "[::1]:9610"). nullptr with `error` set when
  // it cannot bind. `sessions`: the writer whose published tally gives the decided
  // sessions by state and perspective.
  // `alerts` (may be null): the alert events by detector, severity and status, and the
  // API's subscribers. `sinks` (may be null): what the alert file and syslog delivered,
  // dropped and hold.
  static std::unique_ptr<MetricsExporter> start(const std::string& listen, const pipeline::Pipeline& pipeline,
                                                const replay::SessionWriter& sessions, const AlertStore* alerts,
                                                const sinks::AlertSinks* sinks, std::string& error);
  ~MetricsExporter();

  // Where it listens, HOST:PORT with the port it was given (`listen` may ask for 0).
  std::string address() const;

 private:
  MetricsExporter() = default;
  std::string host_;  // as configured, brackets and all
  std::shared_ptr<PipelineCollector> collector_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

}  // namespace synwatch::control
