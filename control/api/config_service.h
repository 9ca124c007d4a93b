// synwatch.v1.Configuration: the configuration in effect, validation of a proposed one
// (the same parser the daemon loads its file with), and applying one (ConfigApplier).
#pragma once

#include "control/api/api_sources.h"
#include "synwatch/v1/configuration.grpc.pb.h"

namespace synwatch::control {

class ConfigService final : public v1::Configuration::Service {
 public:
  explicit ConfigService(const ApiSources& sources) : sources_(sources) {}
  grpc::Status GetConfig(grpc::ServerContext* context, const v1::GetConfigRequest* request,
                         v1::GetConfigResponse* response) override;
  grpc::Status ValidateConfig(grpc::ServerContext* context, const v1::ValidateConfigRequest* request,
                              v1::ValidateConfigResponse* response) override;
  grpc::Status ApplyConfig(grpc::ServerContext* context, const v1::ApplyConfigRequest* request,
                           v1::ApplyConfigResponse* response) override;

 private:
  const ApiSources& sources_;
};

}  // namespace synwatch::control
