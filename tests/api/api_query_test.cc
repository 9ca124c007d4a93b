// The gRPC API in process, part two: Sessions (top failed, lookup) over the session watch,
// Detectors (list, baselines, reset) through the detection thread's requests, and
// ApplyConfig, with their error paths and the change log line a reset writes.
#include <gtest/gtest.h>

#include "synwatch/v1/configuration.grpc.pb.h"
#include "synwatch/v1/detectors.grpc.pb.h"
#include "synwatch/v1/sessions.grpc.pb.h"
#include "tests/api/api_fixture.h"

namespace synwatch::control {
namespace {

session::SessionEvent failed_session(const char* client, const char* server, uint16_t port, session::ConnState state,
                                     int64_t decided_ms) {
  session::SessionEvent s;
  wire::IpAddress::parse(client, s.client);
  wire::IpAddress::parse(server, s.server);
  s.client_port = 50000;
  s.server_port = port;
  s.state = state;
  s.failed = true;
  s.perspective = session::Perspective::kInbound;
  s.start_ms = decided_ms - 1000;
  s.end_ms = decided_ms - 1000;
  s.decided_ms = decided_ms;
  s.exporters[0] = wire::IpAddress::v4(0x7f000001);
  s.exporter_count = 1;
  return s;
}

class ApiQuery : public Api {
 protected:
  template <typename Call>
  grpc::Status call(Call&& f) {
    grpc::ClientContext context;
    authorize(context);
    return f(context);
  }
};

TEST_F(ApiQuery, RanksTheMostFailedServersClientsAndPorts) {
  const int64_t t = 1'795'219'200'000;
  for (int i = 0; i < 4; ++i) watch_.on_session(failed_session("198.51.100.7", "10.0.0.1", 22, session::ConnState::S0, t));
  for (int i = 0; i < 2; ++i) watch_.on_session(failed_session("198.51.100.8", "10.0.0.2", 80, session::ConnState::REJ, t));
  auto stub = v1::Sessions::NewStub(channel_);
  v1::TopFailedRequest request;
  request.set_by(v1::TOP_DIMENSION_SERVER);
  v1::TopFailedResponse r;
  ASSERT_TRUE(call([&](grpc::ClientContext& c) { return stub->TopFailed(&c, request, &r); }).ok());
  ASSERT_EQ(r.entries_size(), 2);
  EXPECT_EQ(r.entries(0).address(), "10.0.0.1");
  EXPECT_EQ(r.entries(0).failed(), 4u);
  EXPECT_EQ(r.entries(0).unanswered(), 4u);
  EXPECT_EQ(r.entries(0).perspective(), v1::PERSPECTIVE_INBOUND);
  EXPECT_EQ(r.entries(1).rejected(), 2u);
  EXPECT_EQ(r.failed(), 6u);
  EXPECT_EQ(r.window_end_ms() - r.window_start_ms(), 300'000);

  request.set_by(v1::TOP_DIMENSION_SERVER_PORT);
  request.set_limit(1);
  ASSERT_TRUE(call([&](grpc::ClientContext& c) { return stub->TopFailed(&c, request, &r); }).ok());
  ASSERT_EQ(r.entries_size(), 1);
  EXPECT_EQ(r.entries(0).port(), 22u);
  EXPECT_EQ(r.entries(0).address(), "");
}

TEST_F(ApiQuery, LooksUpTheSessionsOfAnAddress) {
  const int64_t t = 1'795'219'200'000;
  watch_.on_session(failed_session("198.51.100.7", "10.0.0.1", 22, session::ConnState::S0, t));
  watch_.on_session(failed_session("198.51.100.8", "10.0.0.2", 80, session::ConnState::REJ, t + 1));
  auto stub = v1::Sessions::NewStub(channel_);
  v1::LookupSessionsRequest request;
  request.set_address("10.0.0.1");
  v1::LookupSessionsResponse r;
  ASSERT_TRUE(call([&](grpc::ClientContext& c) { return stub->LookupSessions(&c, request, &r); }).ok());
  ASSERT_EQ(r.sessions_size(), 1);
  const v1::Session& s = r.sessions(0);
  EXPECT_EQ(s.client(), "198.51.100.7");
  EXPECT_EQ(s.server_port(), 22u);
  EXPECT_EQ(s.state(), "S0");
  EXPECT_TRUE(s.failed());
  ASSERT_EQ(s.exporters_size(), 1);
  EXPECT_EQ(s.exporters(0), "127.0.0.1");
  EXPECT_EQ(r.searched(), 2u);
  EXPECT_EQ(r.oldest_ms(), t);
}

TEST_F(ApiQuery, NamesTheFieldOfAnInvalidSessionsRequest) {
  auto stub = v1::Sessions::NewStub(channel_);
  auto top = [&](auto edit) {
    v1::TopFailedRequest request;
    request.set_by(v1::TOP_DIMENSION_CLIENT);
    edit(request);
    v1::TopFailedResponse r;
    return call([&](grpc::ClientContext& c) { return stub->TopFailed(&c, request, &r); });
  };
  auto lookup = [&](auto edit) {
    v1::LookupSessionsRequest request;
    request.set_address("10.0.0.1");
    edit(request);
    v1::LookupSessionsResponse r;
    return call([&](grpc::ClientContext& c) { return stub->LookupSessions(&c, request, &r); });
  };
  const std::pair<grpc::Status, const char*> cases[] = {
      {top([](auto& r) { r.set_by(v1::TOP_DIMENSION_UNSPECIFIED); }), "by"},
      {top([](auto& r) { r.set_window_s(30); }), "window_s"},
      {top([](auto& r) { r.set_window_s(7200); }), "window_s"},
      {top([](auto& r) { r.set_limit(1001); }), "limit"},
      {top([](auto& r) { r.set_perspective(static_cast<v1::Perspective>(9)); }), "perspective"},
      {lookup([](auto& r) { r.clear_address(); }), "address"},
      {lookup([](auto& r) { r.set_address("10.0.0.256"); }), "address"},
      {lookup([](auto& r) { r.set_port(70000); }), "port"},
      {lookup([](auto& r) { r.set_limit(5000); }), "limit"},
  };
  for (const auto& [s, field] : cases) {
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_EQ(s.error_message().rfind(std::string(field) + ":", 0), 0u) << s.error_message();
  }
}

TEST_F(ApiQuery, ListsTheDetectorsAndTheirBaselines) {
  auto stub = v1::Detectors::NewStub(channel_);
  v1::ListDetectorsResponse r;
  ASSERT_TRUE(call([&](grpc::ClientContext& c) { return stub->ListDetectors(&c, {}, &r); }).ok());
  ASSERT_EQ(r.detectors_size(), 11);
  EXPECT_EQ(r.detectors(0).name(), "failed_sessions");
  EXPECT_TRUE(r.detectors(0).enabled());
  EXPECT_FALSE(r.detectors(0).baseline_unit().empty());
  EXPECT_EQ(r.evaluated_through_ms(), 0);

  v1::ListBaselinesRequest request;
  request.set_detector("syn_flood");
  v1::ListBaselinesResponse b;
  ASSERT_TRUE(call([&](grpc::ClientContext& c) { return stub->ListBaselines(&c, request, &b); }).ok());
  EXPECT_EQ(b.matched(), 0u);
  EXPECT_EQ(b.unit(), "connection attempts per interval");

  request.set_detector("syn_flod");
  const grpc::Status unknown = call([&](grpc::ClientContext& c) { return stub->ListBaselines(&c, request, &b); });
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(unknown.error_message(), "detector: 'syn_flod' is not a detector");
  request.set_detector("syn_flood");
  request.mutable_filter()->set_address("not-an-address");
  const grpc::Status bad = call([&](grpc::ClientContext& c) { return stub->ListBaselines(&c, request, &b); });
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(bad.error_message().rfind("filter.address:", 0), 0u) << bad.error_message();
}

TEST_F(ApiQuery, ResetsADetectorAndLogsWhoDidIt) {
  auto stub = v1::Detectors::NewStub(channel_);
  v1::ResetDetectorRequest request;
  request.set_detector("port_scan");
  v1::ResetDetectorResponse r;
  ::testing::internal::CaptureStderr();
  const grpc::Status ok = call([&](grpc::ClientContext& c) { return stub->ResetDetector(&c, request, &r); });
  const std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_TRUE(ok.ok()) << ok.error_message();
  EXPECT_EQ(r.forgotten(), 0u);
  EXPECT_EQ(log, "synwatchd: change by ops: reset detector port_scan (all of it): 0 forgotten\n");

  request.mutable_filter()->set_port(22);  // port_scan has no partitions to pick from
  const grpc::Status refused = call([&](grpc::ClientContext& c) { return stub->ResetDetector(&c, request, &r); });
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(refused.error_message().rfind("filter:", 0), 0u) << refused.error_message();

  request.clear_detector();
  const grpc::Status missing = call([&](grpc::ClientContext& c) { return stub->ResetDetector(&c, request, &r); });
  EXPECT_EQ(missing.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(missing.error_message(), "detector: required");
}

TEST_F(ApiQuery, SaysWhenDetectionIsOffOrHasStopped) {
  auto stub = v1::Detectors::NewStub(channel_);
  stop_serving_ = true;  // the detection thread finishes: requests are refused from now on
  serving_.join();
  serving_ = std::thread([] {});
  v1::ListDetectorsResponse r;
  const grpc::Status stopped = call([&](grpc::ClientContext& c) { return stub->ListDetectors(&c, {}, &r); });
  EXPECT_EQ(stopped.error_code(), grpc::StatusCode::UNAVAILABLE);

  ApiSources off{pipeline_, writer_, watch_, alerts_, config_, status_, nullptr};
  std::string error;
  auto server = ApiServer::start(config(), off, error);
  ASSERT_TRUE(server) << error;
  auto off_stub = v1::Detectors::NewStub(grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials()));
  const grpc::Status disabled = call([&](grpc::ClientContext& c) { return off_stub->ListDetectors(&c, {}, &r); });
  EXPECT_EQ(disabled.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(disabled.error_message(), "detection is off (detectors.enabled: false)");
}

TEST_F(ApiQuery, AppliesConfigurationWithCanonicalCodes) {
  auto stub = v1::Configuration::NewStub(channel_);
  auto apply = [&](const std::string& yaml, uint64_t version, bool dry_run, v1::ApplyConfigResponse& r) {
    v1::ApplyConfigRequest request;
    request.set_yaml(yaml);
    request.set_expected_version(version);
    request.set_dry_run(dry_run);
    return call([&](grpc::ClientContext& c) { return stub->ApplyConfig(&c, request, &r); });
  };
  const std::string next = "output:\n  sessions: /dev/null\ndetectors:\n  port_scan:\n    ports: 9\n";
  v1::ApplyConfigResponse r;
  ASSERT_TRUE(apply(next, 1, true, r).ok());
  EXPECT_FALSE(r.applied());
  ASSERT_EQ(r.changed_size(), 1);
  EXPECT_EQ(r.changed(0), "detectors.port_scan.ports");
  EXPECT_EQ(r.version(), 1u);

  EXPECT_EQ(apply(next, 5, false, r).error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(apply("detectors: [\n", 0, false, r).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  const grpc::Status restart = apply("output:\n  sessions: /tmp/elsewhere\n", 0, false, r);
  EXPECT_EQ(restart.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(restart.error_message().rfind("output.sessions: only a restart", 0), 0u) << restart.error_message();
  // The fixture's file lives in a directory that does not exist: nothing can be applied.
  const grpc::Status unwritable = apply(next, 0, false, r);
  EXPECT_EQ(unwritable.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(unwritable.error_message().find("nothing was applied"), std::string::npos) << unwritable.error_message();
  EXPECT_EQ(config_.get().version, 1u);
}

}  // namespace
}  // namespace synwatch::control
