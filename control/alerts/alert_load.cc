#include "control/alerts/alert_load.h"

#include <chrono>
#include <cstdio>

#include "dataplane/common/thread_name.h"

namespace synwatch::control {
namespace {

constexpr const char* kDetectors[] = {"port_scan", "host_sweep", "syn_flood",   "backscatter",
                                      "brute_force", "xmas_scan", "null_scan", "failed_sessions"};

detect::Alert synthetic_alert(uint64_t n, int64_t now_ms) {
  detect::Alert a;
  char id[17];
  std::snprintf(id, sizeof id, "%016llx", static_cast<unsigned long long>(n * 0x9e3779b97f4a7c15ULL));
  a.id = id;
  a.detector = kDetectors[n % std::size(kDetectors)];
  a.score = static_cast<double>(n % 100);
  a.severity = detect::severity_of(a.score);
  a.perspective = static_cast<session::Perspective>(n % session::kPerspectiveCount);
  a.source = wire::IpAddress::v4(0xcb007100u | static_cast<uint32_t>(n % 256));  // 203.0.113.x
  a.target = wire::IpAddress::v4(0xc6336400u | static_cast<uint32_t>((n / 256) % 256));  // 198.51.100.x
  a.port = static_cast<uint16_t>(1 + n % 1024);
  a.start_ms = now_ms - 10000;
  a.end_ms = now_ms;
  a.count = 100 + n % 5000;
  a.baseline = 12.5;
  a.status = static_cast<detect::AlertStatus>(n % 3);
  a.summary = a.source.to_string() + " probed " + std::to_string(a.count) + " ports of " + a.target.to_string() +
              " (synthetic, --bench-alerts)";
  a.evidence = "{\"ports\":[22,23,80,443,3389,8080],\"probes\":" + std::to_string(a.count) + "}";
  return a;
}

}  // namespace

AlertLoad::AlertLoad(detect::AlertSink& sink, uint32_t per_second) : sink_(sink), per_second_(per_second) {
  thread_ = std::thread([this] {
    name_this_thread("sw-bench-alerts");
    run();
  });
}

AlertLoad::~AlertLoad() {
  stop_ = true;
  thread_.join();
}

void AlertLoad::run() {
  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  uint64_t n = 0;
  while (!stop_.load(std::memory_order_relaxed)) {
    // As many as are due by now: the rate holds even when a step oversleeps.
    const double elapsed = std::chrono::duration<double>(clock::now() - start).count();
    const auto due = static_cast<uint64_t>(elapsed * per_second_);
    const int64_t now_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    for (; n < due; ++n) sink_.on_alert(synthetic_alert(n, now_ms));
    sent_.store(n, std::memory_order_relaxed);
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

}  // namespace synwatch::control
