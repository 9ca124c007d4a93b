// AlertStore: sequences, bounded history, filtered reads and the wake-up of waiting
// subscribers.
#include "control/alerts/alert_store.h"

#include <gtest/gtest.h>

#include <thread>

namespace synwatch::control {
namespace {

using namespace std::chrono_literals;

detect::Alert alert(const std::string& id, std::string_view detector, detect::Severity severity,
                    const char* source = "192.0.2.1", int64_t end_ms = 1000) {
  detect::Alert a;
  a.id = id;
  a.detector = detector;
  a.severity = severity;
  wire::IpAddress::parse(source, a.source);
  a.end_ms = end_ms;
  return a;
}

TEST(AlertStore, NumbersEventsAndForgetsTheOldestAtCapacity) {
  AlertStore store(16);
  for (int i = 0; i < 20; ++i) store.on_alert(alert("a" + std::to_string(i), "port_scan", detect::Severity::kMinor));
  EXPECT_EQ(store.last_sequence(), 20u);
  EXPECT_EQ(store.retained(), 16u);
  EXPECT_EQ(store.first_sequence(), 5u);

  const AlertStore::Read all = store.read_after(0, 100, {});
  EXPECT_EQ(all.missed, 4u) << "sequences 1..4 were evicted before this read";
  ASSERT_EQ(all.events.size(), 16u);
  EXPECT_EQ(all.events.front().sequence, 5u);
  EXPECT_EQ(all.events.front().alert.id, "a4");
  EXPECT_EQ(all.scanned_to, 20u);

  const AlertStore::Read page = store.read_after(10, 3, {});
  ASSERT_EQ(page.events.size(), 3u);
  EXPECT_EQ(page.events[0].sequence, 11u);
  EXPECT_EQ(page.scanned_to, 13u);
  EXPECT_EQ(page.missed, 0u);
}

TEST(AlertStore, FiltersByDetectorSeverityAddressAndTime) {
  AlertStore store(64);
  store.on_alert(alert("1", "port_scan", detect::Severity::kWarning, "192.0.2.1", 100));
  store.on_alert(alert("2", "syn_flood", detect::Severity::kCritical, "192.0.2.2", 200));
  store.on_alert(alert("3", "port_scan", detect::Severity::kMajor, "192.0.2.2", 300));

  AlertQuery q;
  q.detectors = {"port_scan"};
  EXPECT_EQ(store.read_after(0, 10, q).events.size(), 2u);
  q.min_severity = detect::Severity::kMajor;
  ASSERT_EQ(store.read_after(0, 10, q).events.size(), 1u);
  EXPECT_EQ(store.read_after(0, 10, q).events[0].alert.id, "3");

  AlertQuery by_address;
  by_address.address.emplace();
  wire::IpAddress::parse("192.0.2.2", *by_address.address);
  EXPECT_EQ(store.read_after(0, 10, by_address).events.size(), 2u);
  AlertQuery since;
  since.since_ms = 250;
  EXPECT_EQ(store.read_after(0, 10, since).events.size(), 1u);

  q.detectors = {"backscatter"};
  const AlertStore::Read none = store.read_after(0, 10, q);
  EXPECT_TRUE(none.events.empty());
  EXPECT_EQ(none.scanned_to, 3u) << "a read that matched nothing still moves the cursor";
}

TEST(AlertStore, FindsTheLastEventOfAnAlertId) {
  AlertStore store(64);
  store.on_alert(alert("x", "scanner", detect::Severity::kMinor));
  store.on_alert(alert("y", "scanner", detect::Severity::kMinor));
  store.on_alert(alert("x", "scanner", detect::Severity::kMajor));
  EXPECT_EQ(store.last_sequence_of("x"), 3u);
  EXPECT_EQ(store.last_sequence_of("y"), 2u);
  EXPECT_EQ(store.last_sequence_of("z"), 0u);
}

TEST(AlertStore, WakesWaitersOnANewEventAndOnClose) {
  AlertStore store(16);
  std::thread producer([&] {
    std::this_thread::sleep_for(50ms);
    store.on_alert(alert("a", "scanner", detect::Severity::kMinor));
  });
  const auto started = std::chrono::steady_clock::now();
  EXPECT_TRUE(store.wait_after(0, 10s));
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s) << "woken by the event, not the timeout";
  producer.join();

  std::thread closer([&] {
    std::this_thread::sleep_for(50ms);
    store.close();
  });
  EXPECT_FALSE(store.wait_after(1, 10s));
  closer.join();
}

TEST(AlertStore, TalliesEventsByDetectorSeverityAndStatus) {
  AlertStore store(16);
  detect::Alert a = alert("a", "syn_flood", detect::Severity::kCritical);
  store.on_alert(a);
  a.status = detect::AlertStatus::kResolved;
  store.on_alert(a);
  const AlertTally t = store.tally();
  ASSERT_EQ(t.count("syn_flood"), 1u);
  const auto& by = t.at("syn_flood")[static_cast<size_t>(detect::Severity::kCritical)];
  EXPECT_EQ(by[static_cast<size_t>(detect::AlertStatus::kOpen)], 1u);
  EXPECT_EQ(by[static_cast<size_t>(detect::AlertStatus::kResolved)], 1u);
}

}  // namespace
}  // namespace synwatch::control
