// What every synwatchctl command shares: the call's options, client and outputs, the
// unary-call helper, JSON output, and the text forms of times, durations and enums.
#pragma once

#include <google/protobuf/message.h>
#include <grpcpp/client_context.h>

#include <cstdio>
#include <string>

#include "control/ctl/ctl_client.h"
#include "control/ctl/ctl_options.h"
#include "synwatch/v1/alerts.pb.h"
#include "synwatch/v1/common.pb.h"

namespace synwatch::ctl {

// One command's run: where output goes and how failures are reported.
struct Call {
  const CtlOptions& options;
  const CtlClient& client;
  std::FILE* out;
  std::FILE* err;

  int fail(const std::string& message) const;
  // A command line synwatchctl cannot run: the message, and exit status 2.
  int misuse(const std::string& message) const;
  int fail(const grpc::Status& status) const { return fail(client.explain(status)); }
  // The message as one JSON line, field names as in the .proto files.
  void json(const google::protobuf::Message& m) const;
};

// One unary call of `Service` with the client's token and deadline; false, with the
// error printed, when it failed.
template <typename Service, typename Request, typename Response>
bool unary(const Call& c, grpc::Status (Service::Stub::*method)(grpc::ClientContext*, const Request&, Response*),
           const Request& request, Response& response) {
  auto stub = Service::NewStub(c.client.channel());
  grpc::ClientContext context;
  c.client.prepare(context);
  const grpc::Status s = ((*stub).*method)(&context, request, &response);
  if (!s.ok()) c.fail(s);
  return s.ok();
}

inline std::string n(uint64_t v) { return std::to_string(v); }
std::string upper(std::string s);
// UTC, to the second; "-" for 0.
std::string time_text(int64_t ms);
// "3m05s", "2h10m", "1d04h".
std::string duration_text(int64_t ms);
// Enum values as people write them: "inbound", "major", "open", "drop".
std::string text_of(v1::Perspective p);
std::string text_of(v1::Severity s);
std::string text_of(v1::AlertStatus s);
std::string text_of(v1::CounterKind k);

}  // namespace synwatch::ctl
