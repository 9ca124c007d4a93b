#include "control/api/config_service.h"

#include "control/api/token_auth.h"

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

grpc::Status ConfigService::ApplyConfig(grpc::ServerContext* context, const v1::ApplyConfigRequest* request,
                                        v1::ApplyConfigResponse* response) {
  if (sources_.applier == nullptr)
    return {grpc::StatusCode::FAILED_PRECONDITION, "this synwatchd takes no configuration changes at runtime"};
  config::ApplyRequest a;
  a.yaml = request->yaml();
  a.expected_version = request->expected_version();
  a.expected_etag = request->expected_etag();
  a.dry_run = request->dry_run();
  a.who = caller_of(*context);
  const config::ApplyResult r = sources_.applier->apply(a);
  using Code = config::ApplyResult::Code;
  switch (r.code) {
    case Code::kOk: break;
    case Code::kInvalid: return {grpc::StatusCode::INVALID_ARGUMENT, r.message};
    case Code::kConflict: return {grpc::StatusCode::ABORTED, r.message};
    case Code::kRestartRequired: return {grpc::StatusCode::FAILED_PRECONDITION, r.message};
    case Code::kUnavailable: return {grpc::StatusCode::UNAVAILABLE, r.message};
  }
  for (const std::string& s : r.changed) response->add_changed(s);
  response->set_applied(r.applied);
  response->set_version(r.version);
  response->set_etag(r.etag);
  return grpc::Status::OK;
}

}  // namespace synwatch::control
