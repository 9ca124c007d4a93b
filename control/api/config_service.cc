#include "control/api/config_service.h"

namespace synwatch::control {

grpc::Status ConfigService::GetConfig(grpc::ServerContext*, const v1::GetConfigRequest*,
                                      v1::GetConfigResponse* response) {
  const config::ConfigStore::Snapshot c = sources_.config.get();
  response->set_yaml(c.yaml);
  response->set_source(c.source);
  response->set_version(c.version);
  response->set_etag(c.etag);
  return grpc::Status::OK;
}

grpc::Status ConfigService::ValidateConfig(grpc::ServerContext*, const v1::ValidateConfigRequest* request,
                                           v1::ValidateConfigResponse*) {
  if (std::string problem = config::ConfigStore::validate(request->yaml()); !problem.empty())
    return {grpc::StatusCode::INVALID_ARGUMENT, problem};
  return grpc::Status::OK;
}

}  // namespace synwatch::control
