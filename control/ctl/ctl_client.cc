#include "control/ctl/ctl_client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace synwatch::ctl {
namespace {


std::string trimmed(const std::string& s) {
  const size_t first = s.find_first_not_of(" \t\r\n");
  return first == std::string::npos ? "" : s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

const char* code_name(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT: return "invalid argument";
    case grpc::StatusCode::NOT_FOUND: return "not found";
    case grpc::StatusCode::OUT_OF_RANGE: return "out of range";
    case grpc::StatusCode::UNAUTHENTICATED: return "unauthenticated";
    case grpc::StatusCode::PERMISSION_DENIED: return "permission denied";
    case grpc::StatusCode::RESOURCE_EXHAUSTED: return "resource exhausted";
    case grpc::StatusCode::FAILED_PRECONDITION: return "failed precondition";
    case grpc::StatusCode::ABORTED: return "aborted";
    case grpc::StatusCode::UNAVAILABLE: return "unavailable";
    case grpc::StatusCode::UNIMPLEMENTED: return "unimplemented (is synwatchd older than synwatchctl?)";
    default: return "error";
  }
}

}  // namespace

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  out = text.str();
  return true;
}

std::unique_ptr<CtlClient> CtlClient::create(const CtlOptions& options, std::string& error) {
  auto client = std::make_unique<CtlClient>();
  client->server_ = options.server;
  client->timeout_s_ = options.timeout_s;
  std::string token_text;
  if (!options.token_file.empty()) {
    if (!read_file(options.token_file, token_text)) {
      error = "--token-file: cannot read '" + options.token_file + "'";
      return nullptr;
    }
  } else if (const char* env = std::getenv("SYNWATCH_TOKEN")) {
    token_text = env;
  }
  client->token_ = trimmed(token_text);

  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (options.tls_ca.empty()) {
    creds = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions tls;
    const std::pair<const std::string*, std::string*> files[] = {
        {&options.tls_ca, &tls.pem_root_certs}, {&options.tls_cert, &tls.pem_cert_chain},
        {&options.tls_key, &tls.pem_private_key}};
    for (const auto& [path, pem] : files) {
      if (!path->empty() && !read_file(*path, *pem)) {
        error = "cannot read '" + *path + "'";
        return nullptr;
      }
    }
    creds = grpc::SslCredentials(tls);
  }
  client->channel_ = grpc::CreateChannel(options.server, creds);
  return client;
}

void CtlClient::prepare(grpc::ClientContext& context, bool streaming) const {
  if (!token_.empty()) context.AddMetadata("authorization", "Bearer " + token_);
  if (!streaming) context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(timeout_s_));
}

std::string CtlClient::explain(const grpc::Status& status) const {
  // synwatchd's own refusals name it ("synwatchd is stopping"); gRPC's are the transport's.
  const bool from_daemon = status.error_message().find("synwatchd") != std::string::npos;
  if (!from_daemon && (status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                       status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED))
    return "cannot reach synwatchd at " + server_ + " (" + status.error_message() +
           "); is it running, and is api.listen this address?";
  return std::string(code_name(status.error_code())) + ": " + status.error_message();
}

}  // namespace synwatch::ctl
