// The gRPC API in process: every RPC, its error paths (canonical codes, messages that
// name the field), bearer tokens and TLS with client certificates. A real server on a
// loopback port, real channels.
#include "tests/api/api_fixture.h"

#include <google/protobuf/descriptor.pb.h>
#include <gtest/gtest.h>
#include <malloc.h>
#if defined(__SANITIZE_ADDRESS__)
// AddressSanitizer's runtime (sanitizer/allocator_interface.h, which GCC does not ship).
extern "C" size_t __sanitizer_get_current_allocated_bytes();
#endif

#include <cstdlib>
#include <set>
#include <thread>

#include "dataplane/pipeline/worker.h"
#include "dataplane/replay/session_writer.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "synwatch/v1/alerts.grpc.pb.h"
#include "synwatch/v1/configuration.grpc.pb.h"
#include "synwatch/v1/statistics.grpc.pb.h"
#include "tests/support/subprocess.h"

namespace synwatch::control {
namespace {


TEST_F(Api, RefusesCallsWithoutTheRightBearerToken) {
  auto stub = v1::Statistics::NewStub(channel_);
  v1::GetStatisticsResponse r;
  {
    grpc::ClientContext context;
    const grpc::Status s = stub->GetStatistics(&context, {}, &r);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    EXPECT_NE(s.error_message().find("bearer token"), std::string::npos) << s.error_message();
  }
  {
    grpc::ClientContext context;
    authorize(context, "not-the-token-at-all");
    EXPECT_EQ(stub->GetStatistics(&context, {}, &r).error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  {
    grpc::ClientContext context;
    authorize(context);
    EXPECT_TRUE(stub->GetStatistics(&context, {}, &r).ok());
  }
}

TEST_F(Api, AnswersHealthChecksWithoutAToken) {
  auto stub = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckResponse r;
  ASSERT_TRUE(stub->Check(&context, {}, &r).ok());
  EXPECT_EQ(r.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

// Server reflection (what grpcurl and grpc_cli use) lists every service and hands out
// the files that define them.
TEST_F(Api, DescribesItselfThroughServerReflection) {
  auto stub = grpc::reflection::v1alpha::ServerReflection::NewStub(channel_);
  grpc::ClientContext context;
  authorize(context);
  auto stream = stub->ServerReflectionInfo(&context);
  grpc::reflection::v1alpha::ServerReflectionRequest request;
  grpc::reflection::v1alpha::ServerReflectionResponse response;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  std::set<std::string> services;
  for (const auto& s : response.list_services_response().service()) services.insert(s.name());
  for (const char* name : {"synwatch.v1.Alerts", "synwatch.v1.Statistics", "synwatch.v1.Exporters",
                           "synwatch.v1.Configuration", "synwatch.v1.Sessions", "synwatch.v1.Detectors",
                           "grpc.health.v1.Health", "grpc.reflection.v1alpha.ServerReflection"})
    EXPECT_EQ(services.count(name), 1u) << name;

  request.set_file_containing_symbol("synwatch.v1.Sessions");
  ASSERT_TRUE(stream->Write(request));
  ASSERT_TRUE(stream->Read(&response));
  ASSERT_GT(response.file_descriptor_response().file_descriptor_proto_size(), 0) << response.DebugString();
  std::set<std::string> files;
  for (const auto& bytes : response.file_descriptor_response().file_descriptor_proto()) {
    google::protobuf::FileDescriptorProto file;
    ASSERT_TRUE(file.ParseFromString(bytes));
    files.insert(file.name());
  }
  EXPECT_EQ(files.count("synwatch/v1/sessions.proto"), 1u);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(Api, ReportsTheDaemonItsWorkersAndItsSessions) {
  auto stub = v1::Statistics::NewStub(channel_);
  grpc::ClientContext context;
  authorize(context);
  v1::GetStatisticsRequest request;
  request.set_include_zero(true);
  v1::GetStatisticsResponse r;
  ASSERT_TRUE(stub->GetStatistics(&context, request, &r).ok());
  EXPECT_EQ(r.version(), "9.9.9");
  EXPECT_EQ(r.started_ms(), 1000);
  ASSERT_EQ(r.workers_size(), 2);
  EXPECT_EQ(r.workers(1).worker(), 1u);
  EXPECT_FALSE(r.workers(0).counters().empty()) << "include_zero lists every counter";
  bool has_drop = false;
  for (const auto& c : r.totals()) has_drop |= c.layer() == "decode" && c.name() == "v9_truncated_header" &&
                                               c.kind() == v1::COUNTER_KIND_DROP;
  EXPECT_TRUE(has_drop);
}

TEST_F(Api, ListsAlertsOldestFirstAPageAtATime) {
  for (int i = 0; i < 5; ++i) alerts_.on_alert(alert("id" + std::to_string(i), "port_scan", "192.0.2.7"));
  auto stub = v1::Alerts::NewStub(channel_);
  std::vector<uint64_t> sequences;
  std::string token;
  int pages = 0;
  do {
    grpc::ClientContext context;
    authorize(context);
    v1::ListAlertsRequest request;
    request.set_page_size(2);
    request.set_page_token(token);
    v1::ListAlertsResponse r;
    ASSERT_TRUE(stub->ListAlerts(&context, request, &r).ok());
    for (const auto& a : r.alerts()) sequences.push_back(a.sequence());
    token = r.next_page_token();
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(sequences, (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(pages, 3);

  grpc::ClientContext context;
  authorize(context);
  v1::ListAlertsRequest request;
  request.mutable_filter()->set_address("192.0.2.7");
  request.mutable_filter()->add_detectors("port_scan");
  v1::ListAlertsResponse r;
  ASSERT_TRUE(stub->ListAlerts(&context, request, &r).ok());
  ASSERT_EQ(r.alerts_size(), 5);
  const v1::Alert& a = r.alerts(0);
  EXPECT_EQ(a.id(), "id0");
  EXPECT_EQ(a.detector(), "port_scan");
  EXPECT_EQ(a.severity(), v1::SEVERITY_MAJOR);
  EXPECT_EQ(a.perspective(), v1::PERSPECTIVE_INBOUND);
  EXPECT_EQ(a.source(), "192.0.2.7");
  EXPECT_EQ(a.target(), "") << "an unset address is empty, not 0.0.0.0";
  EXPECT_EQ(a.port(), 22u);
  EXPECT_EQ(a.status(), v1::ALERT_STATUS_OPEN);
}

TEST_F(Api, NamesTheFieldOfAnInvalidRequest) {
  auto stub = v1::Alerts::NewStub(channel_);
  auto list = [&](const v1::ListAlertsRequest& request) {
    grpc::ClientContext context;
    authorize(context);
    v1::ListAlertsResponse r;
    return stub->ListAlerts(&context, request, &r);
  };
  v1::ListAlertsRequest big;
  big.set_page_size(5000);
  v1::ListAlertsRequest token;
  token.set_page_token("not-a-token");
  v1::ListAlertsRequest address;
  address.mutable_filter()->set_address("192.0.2.300");
  v1::ListAlertsRequest severity;
  severity.mutable_filter()->set_min_severity(static_cast<v1::Severity>(42));
  const std::pair<const v1::ListAlertsRequest*, const char*> cases[] = {
      {&big, "page_size"}, {&token, "page_token"}, {&address, "filter.address"}, {&severity, "filter.min_severity"}};
  for (const auto& [request, field] : cases) {
    const grpc::Status s = list(*request);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << field;
    EXPECT_EQ(s.error_message().rfind(std::string(field) + ":", 0), 0u) << s.error_message();
  }
}

// Reads events from a subscription on its own thread.
struct Subscription {
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReader<v1::AlertEvent>> reader;

  Subscription(v1::Alerts::Stub& stub, const v1::SubscribeRequest& request) {
    context.AddMetadata("authorization", std::string("Bearer ") + kToken);
    context.set_deadline(std::chrono::system_clock::now() + 30s);
    reader = stub.Subscribe(&context, request);
    reader->WaitForInitialMetadata();
  }
  std::vector<v1::AlertEvent> read(size_t n) {
    std::vector<v1::AlertEvent> events;
    v1::AlertEvent e;
    while (events.size() < n && reader->Read(&e)) events.push_back(e);
    return events;
  }
};

TEST_F(Api, SubscribersGetNewEventsAndResumeWhereTheyLeftOff) {
  auto stub = v1::Alerts::NewStub(channel_);
  alerts_.on_alert(alert("old", "scanner", "192.0.2.1"));

  Subscription live(*stub, {});
  alerts_.on_alert(alert("new", "scanner", "192.0.2.2"));
  const auto got = live.read(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].alert().id(), "new") << "no resume point: only events from now on";
  EXPECT_EQ(got[0].alert().sequence(), 2u);
  live.context.TryCancel();
  wait_for_subscribers(0);

  v1::SubscribeRequest by_sequence;
  by_sequence.set_after_sequence(1);
  Subscription resumed(*stub, by_sequence);
  const auto again = resumed.read(1);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].alert().id(), "new");
  resumed.context.TryCancel();
  wait_for_subscribers(0);

  v1::SubscribeRequest by_id;
  by_id.set_after_alert_id("old");
  Subscription from_id(*stub, by_id);
  const auto after_id = from_id.read(1);
  ASSERT_EQ(after_id.size(), 1u);
  EXPECT_EQ(after_id[0].alert().sequence(), 2u);
  from_id.context.TryCancel();
}

TEST_F(Api, TellsASubscriberWhatItMissed) {
  auto stub = v1::Alerts::NewStub(channel_);
  for (int i = 0; i < 20; ++i) alerts_.on_alert(alert("a" + std::to_string(i), "scanner", "192.0.2.1"));
  v1::SubscribeRequest request;
  request.set_after_sequence(1);  // 2..4 are gone: the history holds 16
  Subscription s(*stub, request);
  const auto events = s.read(16);
  ASSERT_EQ(events.size(), 16u);
  EXPECT_EQ(events[0].alert().sequence(), 5u);
  EXPECT_EQ(events[0].missed_before(), 3u);
  EXPECT_EQ(events[1].missed_before(), 0u);
  s.context.TryCancel();
  EXPECT_EQ(alerts_.subscriber_missed(), 3u);
}

TEST_F(Api, RefusesResumePointsItCannotHonour) {
  auto stub = v1::Alerts::NewStub(channel_);
  alerts_.on_alert(alert("only", "scanner", "192.0.2.1"));
  auto subscribe_status = [&](const v1::SubscribeRequest& request) {
    grpc::ClientContext context;
    authorize(context);
    auto reader = stub->Subscribe(&context, request);
    v1::AlertEvent e;
    while (reader->Read(&e)) {
    }
    return reader->Finish();
  };
  v1::SubscribeRequest unknown_id;
  unknown_id.set_after_alert_id("nope");
  v1::SubscribeRequest future;
  future.set_after_sequence(99);
  v1::SubscribeRequest both;
  both.set_after_sequence(1);
  both.set_after_alert_id("only");
  const grpc::Status s1 = subscribe_status(unknown_id), s2 = subscribe_status(future), s3 = subscribe_status(both);
  EXPECT_EQ(s1.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(s1.error_message().rfind("after_alert_id:", 0), 0u) << s1.error_message();
  EXPECT_EQ(s2.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_EQ(s2.error_message().rfind("after_sequence:", 0), 0u) << s2.error_message();
  EXPECT_EQ(s3.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(Api, LimitsSubscribersAndEndsStreamsOnStop) {
  auto stub = v1::Alerts::NewStub(channel_);
  Subscription a(*stub, {}), b(*stub, {});
  wait_for_subscribers(2);
  {
    Subscription third(*stub, {});
    EXPECT_TRUE(third.read(1).empty());
    const grpc::Status s = third.reader->Finish();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_NE(s.error_message().find("api.max_subscribers"), std::string::npos);
  }
  alerts_.on_alert(alert("last", "scanner", "192.0.2.1"));
  server_->stop();
  for (Subscription* s : {&a, &b}) {
    const auto events = s->read(10);
    ASSERT_EQ(events.size(), 1u) << "the last event still reaches every subscriber";
    EXPECT_EQ(s->reader->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  }
  EXPECT_EQ(alerts_.subscribers(), 0u);
}

// The bytes this process has allocated and not freed, in KiB: the live heap, not the
// resident size, which AddressSanitizer's quarantine of freed memory inflates.
long live_heap_kb() {
#if defined(__SANITIZE_ADDRESS__)
  return static_cast<long>(__sanitizer_get_current_allocated_bytes() / 1024);
#else
  const struct mallinfo2 m = mallinfo2();
  return static_cast<long>((m.uordblks + m.hblkhd) / 1024);
#endif
}

// A client that takes every subscriber slot, opens more streams beyond them, and never
// reads, while 20,000 events of 2 KB (40 MB a stream) are published: the server holds
// no more than each stream's HTTP/2 window, unary calls are answered all the while,
// and after api.subscriber_stall_s the silent streams are cancelled and a client that
// reads gets the slots and the events.
class ApiWithStallLimit : public Api {
 protected:
  ApiConfig config() override {
    ApiConfig c = Api::config();
    c.max_subscribers = 4;
    c.subscriber_stall_s = 1;
    return c;
  }
};

TEST_F(ApiWithStallLimit, AClientThatOpensManyStreamsAndNeverReadsIsBoundedThenCancelled) {
  // Its own connection: the silent client's windows are its own.
  grpc::ChannelArguments own;
  own.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  auto silent_stub = v1::Alerts::NewStub(
      grpc::CreateCustomChannel(server_->address(), grpc::InsecureChannelCredentials(), own));
  std::vector<std::unique_ptr<Subscription>> silent;
  for (int i = 0; i < 4; ++i) silent.push_back(std::make_unique<Subscription>(*silent_stub, v1::SubscribeRequest{}));
  wait_for_subscribers(4);
  for (int i = 0; i < 50; ++i) {
    Subscription beyond(*silent_stub, {});
    EXPECT_TRUE(beyond.read(1).empty());
    const grpc::Status refused = beyond.reader->Finish();
    EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << refused.error_message();
  }

  const long before_kb = live_heap_kb();
  detect::Alert big = alert("big", "scanner", "192.0.2.1");
  big.summary.assign(2048, 's');
  // Paced, so that every stream keeps writing (the history holds 16 events) until its
  // window is full.
  for (int i = 0; i < 20000; ++i) {
    big.id = "big" + std::to_string(i);
    alerts_.on_alert(big);
    if (i % 16 == 15) std::this_thread::sleep_for(1ms);
  }
  // Served while the silent streams hold their slots: a list, and a refused subscriber.
  auto stub = v1::Alerts::NewStub(channel_);
  {
    grpc::ClientContext context;
    authorize(context);
    v1::ListAlertsResponse r;
    ASSERT_TRUE(stub->ListAlerts(&context, {}, &r).ok());
    EXPECT_GT(r.alerts_size(), 0);
  }
  const long during_kb = live_heap_kb();
  EXPECT_LT(during_kb - before_kb, 32 * 1024) << "the heap grew from " << before_kb << " KiB to "
                                              << during_kb << " KiB";

  // Cancelled within a stall limit and a check: the slots are free again.
  for (int i = 0; i < 1000 && alerts_.subscribers() != 0; ++i) std::this_thread::sleep_for(10ms);
  EXPECT_EQ(alerts_.subscribers(), 0u);
  EXPECT_EQ(alerts_.subscribers_evicted(), 4u);
  Subscription reader(*stub, {});
  wait_for_subscribers(1);
  alerts_.on_alert(alert("after", "scanner", "192.0.2.9"));
  const auto got = reader.read(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].alert().id(), "after");
  reader.context.TryCancel();
  for (auto& s : silent) s->context.TryCancel();
}

TEST_F(Api, ShowsAndValidatesTheConfiguration) {
  auto stub = v1::Configuration::NewStub(channel_);
  {
    grpc::ClientContext context;
    authorize(context);
    v1::GetConfigResponse r;
    ASSERT_TRUE(stub->GetConfig(&context, {}, &r).ok());
    EXPECT_EQ(r.yaml(), "output:\n  sessions: /dev/null\n");
    EXPECT_EQ(r.source(), "/etc/synwatch/synwatch.yaml");
    EXPECT_EQ(r.version(), 1u);
    EXPECT_EQ(r.etag().size(), 16u);
  }
  {
    grpc::ClientContext context;
    authorize(context);
    v1::ValidateConfigRequest request;
    request.set_yaml("detectors:\n  port_scan:\n    ports: 0\n");
    v1::ValidateConfigResponse r;
    const grpc::Status s = stub->ValidateConfig(&context, request, &r);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_EQ(s.error_message().rfind("detectors.port_scan", 0), 0u) << s.error_message();
  }
  {
    grpc::ClientContext context;
    authorize(context);
    v1::ValidateConfigRequest request;
    request.set_yaml("sessions:\n  capacity: 65536\n");
    v1::ValidateConfigResponse r;
    EXPECT_TRUE(stub->ValidateConfig(&context, request, &r).ok());
  }
}

TEST_F(Api, ListsNoExportersBeforeAnyPacket) {
  auto stub = v1::Exporters::NewStub(channel_);
  grpc::ClientContext context;
  authorize(context);
  v1::ListExportersResponse r;
  ASSERT_TRUE(stub->ListExporters(&context, {}, &r).ok());
  EXPECT_EQ(r.exporters_size(), 0);
}

// openssl makes a CA, a server certificate for 127.0.0.1 and a client certificate.
bool make_certificates(const std::filesystem::path& dir) {
  const std::string d = dir.string();
  const std::string script =
      "set -e; cd '" + d + "'; "
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=test-ca -keyout ca.key -out ca.crt; "
      "printf 'subjectAltName=IP:127.0.0.1\\n' > san.ext; "
      "openssl req -newkey rsa:2048 -nodes -subj /CN=synwatchd -keyout server.key -out server.csr; "
      "openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out server.crt; "
      "openssl req -newkey rsa:2048 -nodes -subj /CN=operator -keyout client.key -out client.csr; "
      "openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out client.crt";
  return std::system(("(" + script + ") >/dev/null 2>&1").c_str()) == 0;
}

TEST_F(Api, ServesTlsAndRequiresClientCertificatesWhenConfigured) {
  if (std::system("command -v openssl >/dev/null 2>&1") != 0) GTEST_SKIP() << "openssl is not installed";
  const auto dir = testing::scratch_dir("api-tls");
  ASSERT_TRUE(make_certificates(dir));
  ApiConfig c = config();
  c.listen = "0.0.0.0:0";  // beyond loopback: allowed with TLS
  c.tls_cert = testing::read_text(dir / "server.crt");
  c.tls_key = testing::read_text(dir / "server.key");
  c.tls_client_ca = testing::read_text(dir / "ca.crt");
  ASSERT_EQ(c.validate(), "");

  auto health_with = [&](grpc::SslCredentialsOptions tls) {
    tls.pem_root_certs = testing::read_text(dir / "ca.crt");
    grpc::ChannelArguments args;
    auto channel = grpc::CreateCustomChannel("127.0.0.1:" + server_->address().substr(server_->address().rfind(':') + 1),
                                             grpc::SslCredentials(tls), args);
    auto stub = v1::Statistics::NewStub(channel);
    grpc::ClientContext context;
    authorize(context);
    context.set_deadline(std::chrono::system_clock::now() + 5s);
    v1::GetStatisticsResponse r;
    return stub->GetStatistics(&context, {}, &r);
  };
  start(c);
  EXPECT_FALSE(health_with({}).ok()) << "no client certificate";
  grpc::SslCredentialsOptions with_cert;
  with_cert.pem_cert_chain = testing::read_text(dir / "client.crt");
  with_cert.pem_private_key = testing::read_text(dir / "client.key");
  const grpc::Status s = health_with(with_cert);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

TEST(ApiConfig, RefusesToServeBeyondLoopbackWithoutTls) {
  ApiConfig c;
  c.listen = "0.0.0.0:50051";
  EXPECT_NE(c.validate().find("needs api.tls"), std::string::npos) << c.validate();
  c.listen = "[::1]:50051";
  EXPECT_EQ(c.validate(), "");
  c.tokens = {{"ops", "short"}};
  EXPECT_EQ(c.validate().rfind("tokens[0].file:", 0), 0u) << c.validate();
}

}  // namespace
}  // namespace synwatch::control
