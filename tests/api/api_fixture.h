// The fixture of the in-process API tests: a real ApiServer on a loopback port over a
// two-worker pipeline, an alert store, a session watch and a detection engine whose
// requests a thread of the fixture serves (as the daemon's detection thread does).
#pragma once

#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "control/api/api_server.h"
#include "dataplane/detect/detect_engine.h"
#include "dataplane/detect/engine_requests.h"
#include "dataplane/pipeline/worker.h"
#include "dataplane/replay/session_writer.h"
#include "tests/support/detect_harness.h"

namespace synwatch::control {

using namespace std::chrono_literals;
constexpr char kToken[] = "s3cret-token-for-tests";

inline detect::Alert alert(const std::string& id, std::string_view detector, const char* source) {
  detect::Alert a;
  a.id = id;
  a.detector = detector;
  a.severity = detect::Severity::kMajor;
  a.score = 60;
  a.perspective = session::Perspective::kInbound;
  wire::IpAddress::parse(source, a.source);
  a.port = 22;
  a.start_ms = 1000;
  a.end_ms = 2000;
  a.count = 40;
  a.summary = "test alert";
  a.evidence = "{}";
  return a;
}

class Api : public ::testing::Test {
 protected:
  void SetUp() override {
    serving_ = std::thread([this] {
      while (!stop_serving_.load()) {
        requests_.serve(engine_);
        std::this_thread::sleep_for(1ms);
      }
      requests_.close();
    });
    start(config());
  }
  void TearDown() override {
    server_.reset();
    stop_serving_ = true;
    serving_.join();
  }

  // The server's configuration; a fixture derived for other limits overrides it (a
  // restarted server would find the alert store closed by the first one's stop).
  virtual ApiConfig config() {
    ApiConfig c;
    c.listen = "127.0.0.1:0";
    c.max_subscribers = 2;
    c.tokens = {{"ops", kToken}};
    return c;
  }
  void start(const ApiConfig& c, std::shared_ptr<grpc::ChannelCredentials> creds = grpc::InsecureChannelCredentials()) {
    server_.reset();
    std::string error;
    server_ = ApiServer::start(c, sources_, error);
    ASSERT_TRUE(server_) << error;
    channel_ = grpc::CreateChannel(server_->address(), creds);
  }
  void authorize(grpc::ClientContext& context, const std::string& token = kToken) {
    context.AddMetadata("authorization", "Bearer " + token);
    context.set_deadline(std::chrono::system_clock::now() + 10s);
  }

  decode::DecoderConfig decoder_;
  session::SessionConfig sessions_config_ = [] {
    session::SessionConfig s;
    s.capacity = 4096;
    return s;
  }();
  pipeline::Pipeline pipeline_{2, decoder_, sessions_config_};
  replay::SessionWriter writer_{nullptr};
  SessionWatch watch_{{1024, 64}};
  AlertStore alerts_{16};
  config::ConfigStore config_{"output:\n  sessions: /dev/null\n", "/etc/synwatch/synwatch.yaml"};
  DaemonStatus status_{"9.9.9", 1000};
  detect::DetectConfig detect_config_;
  testing::AlertCollector engine_alerts_;
  detect::DetectEngine engine_{detect_config_, 1, engine_alerts_};
  detect::EngineRequests requests_;
  std::atomic<bool> stop_serving_{false};
  std::thread serving_;
  config::ConfigApplier applier_{config_, &requests_};
  ApiSources sources_{pipeline_, writer_, watch_, alerts_, config_, status_, &requests_, &applier_};
  std::unique_ptr<ApiServer> server_;
  std::shared_ptr<grpc::Channel> channel_;

  // A cancelled stream leaves its server thread within the store's poll interval.
  void wait_for_subscribers(uint32_t n) {
    for (int i = 0; i < 500 && alerts_.subscribers() != n; ++i) std::this_thread::sleep_for(10ms);
    ASSERT_EQ(alerts_.subscribers(), n);
  }
};

}  // namespace synwatch::control
