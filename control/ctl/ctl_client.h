// CtlClient: synwatchctl's connection to synwatchd: the channel (plaintext to a
// loopback API, TLS when asked), the bearer token on every call, the deadline, and
// errors said the way an operator can act on them.
#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <string>

#include "control/ctl/ctl_options.h"

namespace synwatch::ctl {

class CtlClient {
 public:
  // nullptr with `error` when a token or certificate file cannot be read.
  static std::unique_ptr<CtlClient> create(const CtlOptions& options, std::string& error);

  // A call's context: the token, and the deadline unless `streaming`.
  void prepare(grpc::ClientContext& context, bool streaming = false) const;
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }
  // "cannot reach synwatchd at ADDR (...)" for a daemon that is not there, else the
  // daemon's own message with its status code.
  std::string explain(const grpc::Status& status) const;

 private:
  std::string server_, token_;
  uint32_t timeout_s_ = 5;
  std::shared_ptr<grpc::Channel> channel_;
};

// The whole of a file (a token, a configuration); false when it cannot be read.
bool read_file(const std::string& path, std::string& out);

}  // namespace synwatch::ctl
