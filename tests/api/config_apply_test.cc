// Configuration changes at runtime (ConfigApplier, config_diff): validated whole,
// refused whole when a setting needs a restart or the caller's version is stale, applied
// to the detection engine on its own thread, written back to the file, versioned.
#include "control/config/config_applier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "control/config/config_diff.h"
#include "dataplane/detect/detect_engine.h"
#include "tests/support/detect_harness.h"
#include "tests/support/subprocess.h"

namespace synwatch::config {
namespace {

using namespace std::chrono_literals;

TEST(ConfigDiff, NamesEveryLeafThatChanged) {
  EXPECT_EQ(changed_settings("a: 1\nb: {c: 2, d: [1, 2]}\n", "a: 1\nb: {c: 3, d: [1]}\ne: x\n"),
            (std::vector<std::string>{"b.c", "b.d[1]", "e"}));
  EXPECT_TRUE(changed_settings("a: 1\n", "a: 1\n").empty());
  EXPECT_EQ(changed_settings("", "detectors:\n  port_scan:\n    ports: 9\n"),
            (std::vector<std::string>{"detectors.port_scan.ports"}));
}

TEST(ConfigDiff, TheWorkersAddressPlanAndSamplingOverridesApplyLive) {
  EXPECT_TRUE(applies_to_workers("sessions.internal_prefixes[0]"));
  EXPECT_TRUE(applies_to_workers("sessions.internal_prefixes"));
  EXPECT_TRUE(applies_to_workers("sessions.external_prefixes[3]"));
  EXPECT_TRUE(applies_to_workers("sessions.services[1]"));
  EXPECT_TRUE(applies_to_workers("decoder.sampling_overrides[0].rate"));
  EXPECT_FALSE(applies_to_workers("sessions.internal_prefixes_extra"));
  EXPECT_FALSE(applies_to_workers("sessions.capacity"));
  EXPECT_FALSE(applies_to_workers("decoder.template_timeout_s"));
  EXPECT_TRUE(applies_live("sessions.services[0]"));
  EXPECT_FALSE(applies_live("sessions.join_exporters"));

  // Only the settings named change; the rest of the running configuration (the command
  // line's overrides among it) stays.
  SynwatchConfig file, running;
  ASSERT_EQ(parse_config("sessions:\n  internal_prefixes: [192.0.2.0/24]\n  services: [\"198.51.100.1:8443\"]\n"
                         "decoder:\n  sampling_overrides: [{exporter: 192.0.2.9, rate: 100}]\n",
                         file),
            "");
  running.sessions.capacity = 4096;
  EXPECT_FALSE(take_worker_settings({"detectors.port_scan.ports"}, file, running));
  EXPECT_TRUE(take_worker_settings({"sessions.services[0]", "decoder.sampling_overrides[0].rate"}, file, running));
  EXPECT_EQ(running.sessions.services.size(), 1u);
  EXPECT_EQ(running.decoder.sampling_overrides.size(), 1u);
  EXPECT_EQ(running.sessions.internal.size(), session::default_internal_prefixes().size());  // not named: kept
  EXPECT_EQ(running.sessions.capacity, 4096u);
}

TEST(ConfigDiff, AppliesOnlyDetectorParametersLive) {
  EXPECT_TRUE(applies_live("detectors.port_scan.ports"));
  EXPECT_TRUE(applies_live("detectors.failed_sessions.inbound.min_score"));
  EXPECT_TRUE(applies_live("detectors.allowlist[0].prefix"));
  EXPECT_TRUE(applies_live("detectors.update_every_s"));
  EXPECT_FALSE(applies_live("detectors.tracked_keys"));
  EXPECT_FALSE(applies_live("detectors.login_ports[0]"));
  EXPECT_FALSE(applies_live("detectors.enabled"));
  EXPECT_FALSE(applies_live("dataplane.workers"));
  EXPECT_FALSE(applies_live("output.alerts"));
  EXPECT_FALSE(applies_live("api.tokens[0].file"));
}

// A store loaded from a file, an engine, and a thread serving its requests.
class Applier : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(file_) << kStart;
    serving_ = std::thread([this] {
      while (!stop_.load()) {
        requests_.serve(engine_);
        std::this_thread::sleep_for(1ms);
      }
      requests_.close();
    });
  }
  void TearDown() override {
    stop_ = true;
    serving_.join();
  }
  uint32_t ports_of_engine() {
    uint32_t ports = 0;
    EXPECT_EQ(requests_.ask<uint32_t>(
                  [](detect::DetectEngine& e) { return e.config().port_scan[0].ports; }, 5s, ports),
              detect::EngineRequests::Outcome::kDone);
    return ports;
  }
  ApplyResult apply(const std::string& yaml, uint64_t expected_version = 0, bool dry_run = false) {
    ApplyRequest r;
    r.yaml = yaml;
    r.expected_version = expected_version;
    r.dry_run = dry_run;
    r.who = "ops";
    return applier_.apply(r);
  }

  static constexpr const char* kStart = "output:\n  sessions: /dev/null\ndetectors:\n  port_scan:\n    ports: 15\n";
  const std::filesystem::path file_ = testing::scratch_dir("config-apply") / "synwatch.yaml";
  ConfigStore store_{kStart, file_.string()};
  detect::DetectConfig detect_config_;
  testing::AlertCollector alerts_;
  detect::DetectEngine engine_{detect_config_, 1, alerts_};
  detect::EngineRequests requests_;
  ConfigApplier applier_{store_, &requests_};
  std::atomic<bool> stop_{false};
  std::thread serving_;
};

TEST_F(Applier, AppliesADetectorChangeToTheRunningEngineAndTheFile) {
  const std::string next = "output:\n  sessions: /dev/null\ndetectors:\n  port_scan:\n    ports: 9\n";
  ::testing::internal::CaptureStderr();
  const ApplyResult r = apply(next, 1);
  const std::string log = ::testing::internal::GetCapturedStderr();
  ASSERT_EQ(r.code, ApplyResult::Code::kOk) << r.message;
  EXPECT_TRUE(r.applied);
  EXPECT_EQ(r.version, 2u);
  EXPECT_EQ(r.changed, std::vector<std::string>{"detectors.port_scan.ports"});
  EXPECT_EQ(ports_of_engine(), 9u);
  EXPECT_EQ(store_.get().yaml, next);
  EXPECT_EQ(store_.get().etag, r.etag);
  EXPECT_EQ(testing::read_text(file_), next);
  EXPECT_EQ(log, "synwatchd: change by ops: configuration version 2 (etag " + r.etag +
                     "): detectors.port_scan.ports\n");
  // The same text again changes nothing and keeps the version.
  const ApplyResult again = apply(next);
  EXPECT_EQ(again.code, ApplyResult::Code::kOk);
  EXPECT_FALSE(again.applied);
  EXPECT_EQ(again.version, 2u);
}

TEST_F(Applier, RefusesWholeWhatItCannotApplyAndChangesNothing) {
  const ConfigStore::Snapshot before = store_.get();
  // Stale version.
  ApplyResult r = apply("detectors:\n  port_scan:\n    ports: 9\n", 7);
  EXPECT_EQ(r.code, ApplyResult::Code::kConflict);
  EXPECT_EQ(r.message.rfind("expected_version: ", 0), 0u) << r.message;
  // Invalid.
  r = apply("detectors:\n  port_scan:\n    ports: many\n");
  EXPECT_EQ(r.code, ApplyResult::Code::kInvalid);
  EXPECT_EQ(r.message.rfind("detectors.port_scan.ports: ", 0), 0u) << r.message;
  // A detector change beside one only a restart takes: neither is applied.
  r = apply("output:\n  sessions: /dev/null\n  flush_interval_ms: 200\ndetectors:\n  port_scan:\n    ports: 9\n");
  EXPECT_EQ(r.code, ApplyResult::Code::kRestartRequired);
  EXPECT_EQ(r.restart_required, std::vector<std::string>{"output.flush_interval_ms"});
  EXPECT_EQ(r.message.rfind("output.flush_interval_ms: only a restart", 0), 0u) << r.message;
  // A dry run reports and applies nothing.
  r = apply("output:\n  sessions: /dev/null\ndetectors:\n  port_scan:\n    ports: 9\n", 0, true);
  EXPECT_EQ(r.code, ApplyResult::Code::kOk);
  EXPECT_FALSE(r.applied);
  EXPECT_EQ(r.changed.size(), 1u);

  EXPECT_EQ(ports_of_engine(), 15u);  // as the engine started (default)
  EXPECT_EQ(store_.get().version, before.version);
  EXPECT_EQ(store_.get().yaml, before.yaml);
  EXPECT_EQ(testing::read_text(file_), kStart);
}

TEST_F(Applier, SaysWhenTheDetectionThreadHasStopped) {
  stop_ = true;
  serving_.join();
  serving_ = std::thread([] {});
  const ApplyResult r = apply("output:\n  sessions: /dev/null\ndetectors:\n  port_scan:\n    ports: 9\n");
  EXPECT_EQ(r.code, ApplyResult::Code::kUnavailable);
  EXPECT_EQ(store_.get().version, 1u);
  EXPECT_EQ(testing::read_text(file_), kStart);
}

}  // namespace
}  // namespace synwatch::config
