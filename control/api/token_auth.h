// TokenAuth: bearer-token authentication of every API call. A caller sends the
// metadata "authorization: Bearer TOKEN"; a token of api.tokens admits the call and
// names the caller (the token's name, for the change log), anything else is refused
// with UNAUTHENTICATED before a service sees it. Health checks need no token: load
// balancers and systemd probes carry none.
#pragma once

#include <grpcpp/security/auth_metadata_processor.h>
#include <grpcpp/server_context.h>

#include <string>
#include <vector>

#include "control/api/api_config.h"

namespace synwatch::control {

inline constexpr char kCallerProperty[] = "synwatch_caller";

class TokenAuth final : public grpc::AuthMetadataProcessor {
 public:
  explicit TokenAuth(std::vector<ApiToken> tokens) : tokens_(std::move(tokens)) {}
  bool IsBlocking() const override { return false; }
  grpc::Status Process(const InputMetadata& metadata, grpc::AuthContext* context, OutputMetadata* consumed,
                       OutputMetadata* response) override;

 private:
  std::vector<ApiToken> tokens_;
};

// Who made the call: the token's name, else the peer address.
std::string caller_of(const grpc::ServerContext& context);

}  // namespace synwatch::control
