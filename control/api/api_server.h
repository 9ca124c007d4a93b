// ApiServer: the gRPC control plane. Serves synwatch.v1 (Alerts, Statistics, Exporters,
// Configuration), grpc.health.v1 and server reflection on api.listen, with TLS and
// bearer tokens as configured. Runs on gRPC's own threads; nothing it does waits on a
// dataplane core.
#pragma once

#include <memory>
#include <string>

#include "control/api/api_config.h"
#include "control/api/api_sources.h"

namespace grpc {
class Server;
}

namespace synwatch::control {

class AlertService;
class StatisticsService;
class ExporterService;
class ConfigService;
class SessionService;
class DetectorService;

class ApiServer {
 public:
  // nullptr with `error` set when it cannot listen. `sources` must outlive the server.
  static std::unique_ptr<ApiServer> start(const ApiConfig& config, const ApiSources& sources, std::string& error);
  ~ApiServer();

  // Ends every call, streams included (they see UNAVAILABLE), within `grace_ms`.
  void stop(int grace_ms = 1000);
  // HOST:PORT as listening, with the port the kernel chose when asked for 0.
  std::string address() const { return address_; }

 private:
  ApiServer();
  std::string address_;
  std::unique_ptr<AlertService> alerts_;
  std::unique_ptr<StatisticsService> statistics_;
  std::unique_ptr<ExporterService> exporters_;
  std::unique_ptr<ConfigService> config_;
  std::unique_ptr<SessionService> sessions_;
  std::unique_ptr<DetectorService> detectors_;
  std::unique_ptr<grpc::Server> server_;
  AlertStore* store_ = nullptr;
};

}  // namespace synwatch::control
