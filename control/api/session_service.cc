#include "control/api/session_service.h"

#include "control/api/proto_convert.h"

namespace synwatch::control {

grpc::Status SessionService::TopFailed(grpc::ServerContext*, const v1::TopFailedRequest* request,
                                       v1::TopFailedResponse* response) {
  TopQuery query;
  if (std::string problem = from_proto(*request, query); !problem.empty())
    return {grpc::StatusCode::INVALID_ARGUMENT, problem};
  to_proto(watch_.top_failed(query), *response);
  return grpc::Status::OK;
}

grpc::Status SessionService::LookupSessions(grpc::ServerContext*, const v1::LookupSessionsRequest* request,
                                            v1::LookupSessionsResponse* response) {
  wire::IpAddress address;
  if (std::string problem = address_from_proto(request->address(), "address", address); !problem.empty())
    return {grpc::StatusCode::INVALID_ARGUMENT, problem};
  if (request->port() > 65535)
    return {grpc::StatusCode::INVALID_ARGUMENT, "port: " + std::to_string(request->port()) + " is above 65535"};
  const uint32_t limit = request->limit() == 0 ? 50 : request->limit();
  if (limit > 1000)
    return {grpc::StatusCode::INVALID_ARGUMENT, "limit: " + std::to_string(request->limit()) + " is above 1000"};
  const FoundSessions found = watch_.lookup(address, static_cast<uint16_t>(request->port()), limit);
  for (const session::SessionEvent& s : found.sessions) to_proto(s, *response->add_sessions());
  response->set_searched(found.retained);
  response->set_oldest_ms(found.oldest_ms);
  return grpc::Status::OK;
}

}  // namespace synwatch::control
