#include "control/api/api_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <chrono>

#include "control/api/alert_service.h"
#include "control/api/config_service.h"
#include "control/api/detector_service.h"
#include "control/api/session_service.h"
#include "control/api/statistics_service.h"
#include "control/api/token_auth.h"
#include "control/metrics/metrics_config.h"

namespace synwatch::control {

ApiServer::ApiServer() = default;
ApiServer::~ApiServer() { stop(0); }

namespace {

// TLS when configured. Otherwise (loopback only, api_config.cc enforces it) gRPC's
// local credentials: plaintext on the wire like insecure credentials, but they admit
// only local peers and, unlike insecure ones, run the token check.
std::shared_ptr<grpc::ServerCredentials> credentials_of(const ApiConfig& config) {
  std::shared_ptr<grpc::ServerCredentials> creds;
  if (config.tls()) {
    grpc::SslServerCredentialsOptions options(
        config.tls_client_ca.empty() ? GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE
                                     : GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
    options.pem_root_certs = config.tls_client_ca;
    options.pem_key_cert_pairs.push_back({config.tls_key, config.tls_cert});
    creds = grpc::SslServerCredentials(options);
  } else {
    creds = grpc::experimental::LocalServerCredentials(LOCAL_TCP);
  }
  if (!config.tokens.empty()) creds->SetAuthMetadataProcessor(std::make_shared<TokenAuth>(config.tokens));
  return creds;
}

}  // namespace

std::unique_ptr<ApiServer> ApiServer::start(const ApiConfig& config, const ApiSources& sources, std::string& error) {
  ListenAddress listen;
  if (std::string problem = parse_listen(config.listen, listen); !problem.empty()) {
    error = "api.listen: " + problem;
    return nullptr;
  }
  std::unique_ptr<ApiServer> api(new ApiServer());
  api->alerts_ = std::make_unique<AlertService>(sources.alerts, config.max_subscribers,
                                                std::chrono::seconds(config.subscriber_stall_s));
  api->statistics_ = std::make_unique<StatisticsService>(sources);
  api->exporters_ = std::make_unique<ExporterService>(sources);
  api->config_ = std::make_unique<ConfigService>(sources);
  api->sessions_ = std::make_unique<SessionService>(sources.watch);
  api->detectors_ = std::make_unique<DetectorService>(sources.detection);
  api->store_ = &sources.alerts;

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(config.listen, credentials_of(config), &port);
  builder.RegisterService(api->alerts_.get());
  builder.RegisterService(api->statistics_.get());
  builder.RegisterService(api->exporters_.get());
  builder.RegisterService(api->config_.get());
  builder.RegisterService(api->sessions_.get());
  builder.RegisterService(api->detectors_.get());
  // Each subscription holds a thread of the synchronous server: room for all of them
  // and for the unary calls beside.
  grpc::ResourceQuota quota("synwatch-api");
  quota.SetMaxThreads(static_cast<int>(config.max_subscribers) + 8);
  builder.SetResourceQuota(quota);
  api->server_ = builder.BuildAndStart();
  if (!api->server_ || port == 0) {
    const std::string why = bind_problem(config.listen);
    error = "api.listen: cannot listen on " + config.listen + ": " + (why.empty() ? "gRPC refused the address" : why);
    return nullptr;
  }
  api->address_ = (listen.ipv6 ? "[" + listen.host + "]" : listen.host) + ":" + std::to_string(port);
  return api;
}

void ApiServer::stop(int grace_ms) {
  if (!server_) return;
  store_->close();  // subscriptions end their wait at once
  server_->Shutdown(std::chrono::system_clock::now() + std::chrono::milliseconds(grace_ms));
  server_->Wait();
  server_.reset();
}

}  // namespace synwatch::control
