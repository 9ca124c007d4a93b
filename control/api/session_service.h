// synwatch.v1.Sessions over the SessionWatch the writer thread feeds: top failed keys
// over a window, and the newest sessions of an address.
#pragma once

#include "control/sessions/session_watch.h"
#include "synwatch/v1/sessions.grpc.pb.h"

namespace synwatch::control {

class SessionService final : public v1::Sessions::Service {
 public:
  explicit SessionService(const SessionWatch& watch) : watch_(watch) {}
  grpc::Status TopFailed(grpc::ServerContext* context, const v1::TopFailedRequest* request,
                         v1::TopFailedResponse* response) override;
  grpc::Status LookupSessions(grpc::ServerContext* context, const v1::LookupSessionsRequest* request,
                              v1::LookupSessionsResponse* response) override;

 private:
  const SessionWatch& watch_;
};

}  // namespace synwatch::control
