#include "control/api/token_auth.h"

#include <grpcpp/server_context.h>

namespace synwatch::control {
namespace {

// Compares without leaving a timing trail of how many leading characters matched.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

std::string_view view(const grpc::string_ref& s) { return {s.data(), s.size()}; }

}  // namespace

grpc::Status TokenAuth::Process(const InputMetadata& metadata, grpc::AuthContext* context,
                                OutputMetadata* consumed, OutputMetadata*) {
  const auto path = metadata.find(":path");
  if (path != metadata.end() && view(path->second).rfind("/grpc.health.v1.Health/", 0) == 0)
    return grpc::Status::OK;
  const auto header = metadata.find("authorization");
  if (header == metadata.end())
    return {grpc::StatusCode::UNAUTHENTICATED, "this synwatchd needs a bearer token (authorization: Bearer TOKEN)"};
  constexpr std::string_view kScheme = "Bearer ";
  const std::string_view value = view(header->second);
  if (value.size() > kScheme.size() && value.substr(0, kScheme.size()) == kScheme) {
    const std::string_view token = value.substr(kScheme.size());
    for (const ApiToken& t : tokens_) {
      if (!same_secret(token, t.secret)) continue;
      context->AddProperty(kCallerProperty, t.name);
      consumed->insert(std::make_pair(std::string(header->first.data(), header->first.size()),
                                      std::string(value)));
      return grpc::Status::OK;
    }
  }
  return {grpc::StatusCode::UNAUTHENTICATED, "the bearer token is not one of api.tokens"};
}

std::string caller_of(const grpc::ServerContext& context) {
  const auto auth = context.auth_context();
  if (auth) {
    const auto names = auth->FindPropertyValues(kCallerProperty);
    if (!names.empty()) return std::string(names.front().data(), names.front().size());
  }
  return context.peer();
}

}  // namespace synwatch::control
