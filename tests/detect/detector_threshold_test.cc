// Each detector at its threshold: a table of cases built from session events, one short
// of the threshold (no alert) and at it (an alert, with the right key and perspective).
#include <gtest/gtest.h>

#include <functional>

#include "tests/support/detect_harness.h"

namespace synwatch::testing {
namespace {

using detect::DetectConfig;
using session::ConnState;
using session::SessionEvent;

constexpr uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kPsh = 0x08, kAck = 0x10, kUrg = 0x20;
constexpr int64_t kT0 = 1795242000000;  // flow time of the first session

wire::IpAddress ip(const char* text) {
  wire::IpAddress a;
  EXPECT_TRUE(wire::IpAddress::parse(text, a)) << text;
  return a;
}

// A decided session, built fluently.
struct Session {
  SessionEvent e;
  explicit Session(int64_t at_ms) {
    e.start_ms = e.end_ms = e.decided_ms = at_ms;
    e.perspective = session::Perspective::kInbound;
  }
  Session& from(const char* client, uint16_t port) { return e.client = ip(client), e.client_port = port, *this; }
  Session& to(const char* server, uint16_t port) { return e.server = ip(server), e.server_port = port, *this; }
  Session& flags(uint8_t client, uint8_t server) {
    e.client_flags = client, e.server_flags = server;
    e.c2s_packets = client != 0xff ? 1 : 0;
    e.s2c_packets = server != 0 ? 1 : 0;
    return *this;
  }
  Session& rejected() { return flags(kSyn, kRst | kAck), e.state = ConnState::REJ, e.failed = true, *this; }
  Session& unanswered() { return flags(kSyn, 0), e.state = ConnState::S0, e.failed = true, *this; }
  Session& established() {
    flags(kSyn | kAck | kFin, kSyn | kAck | kFin);
    e.state = ConnState::SF, e.established = true;
    e.c2s_packets = e.s2c_packets = 5;
    return *this;
  }
  Session& probe(uint8_t probe_flags) {
    flags(probe_flags, kRst | kAck);
    e.state = ConnState::OTH;
    return *this;
  }
  Session& responder_only(uint8_t server_flags) {
    e.client_flags = 0, e.server_flags = server_flags, e.c2s_packets = 0, e.s2c_packets = 1;
    e.state = ConnState::OTH;
    return *this;
  }
};

using Scenario = std::function<void(DetectHarness&, uint32_t n)>;

struct ThresholdCase {
  const char* detector;
  uint32_t threshold;
  Scenario sessions;  // n sessions of the pattern
  const char* source;  // expected alert key ("" for none)
  const char* target;
  uint16_t port;
};

// n distinct failed SYNs from one source to ports 1..n of one target.
void port_probes(DetectHarness& h, uint32_t n) {
  for (uint32_t i = 0; i < n; ++i)
    h.add(Session(kT0 + i * 10).from("203.0.113.50", 40000).to("198.51.100.10", uint16_t(i + 1)).rejected().e);
}

const ThresholdCase kCases[] = {
    {"port_scan", 15, port_probes, "203.0.113.50", "198.51.100.10", 0},
    {"host_sweep", 25,
     [](DetectHarness& h, uint32_t n) {
       for (uint32_t i = 0; i < n; ++i) {
         const std::string target = "198.51.100." + std::to_string(i + 1);
         h.add(Session(kT0 + i * 10).from("203.0.113.50", 40000).to(target.c_str(), 445).unanswered().e);
       }
     },
     "203.0.113.50", "", 445},
    {"scanner", 4, port_probes, "203.0.113.50", "", 0},
    {"null_scan", 3,
     [](DetectHarness& h, uint32_t n) {
       for (uint32_t i = 0; i < n; ++i)
         h.add(Session(kT0 + i * 10).from("203.0.113.50", 51000).to("198.51.100.10", uint16_t(i + 1)).probe(0).e);
     },
     "203.0.113.50", "198.51.100.10", 0},
    {"xmas_scan", 3,
     [](DetectHarness& h, uint32_t n) {
       for (uint32_t i = 0; i < n; ++i)
         h.add(Session(kT0 + i * 10).from("203.0.113.50", 51000).to("198.51.100.10", uint16_t(i + 1))
                   .probe(kFin | kPsh | kUrg).e);
     },
     "203.0.113.50", "198.51.100.10", 0},
    {"fin_scan", 3,
     [](DetectHarness& h, uint32_t n) {
       for (uint32_t i = 0; i < n; ++i)
         h.add(Session(kT0 + i * 10).from("203.0.113.50", 51000).to("198.51.100.10", uint16_t(i + 1)).probe(kFin).e);
     },
     "203.0.113.50", "198.51.100.10", 0},
    {"syn_flood", 200,
     [](DetectHarness& h, uint32_t n) {
       for (uint32_t i = 0; i < n; ++i) {
         const std::string client = "203.0." + std::to_string(100 + i / 250) + "." + std::to_string(i % 250 + 1);
         h.add(Session(kT0 + i).from(client.c_str(), uint16_t(1024 + i)).to("198.51.100.10", 80).unanswered().e);
       }
     },
     "", "198.51.100.10", 80},
    {"backscatter", 30,
     [](DetectHarness& h, uint32_t n) {
       for (uint32_t i = 0; i < n; ++i) {
         const std::string peer = "198.51.100." + std::to_string(i + 1);
         h.add(Session(kT0 + i * 10).from(peer.c_str(), uint16_t(20000 + i)).to("203.0.113.80", 80)
                   .responder_only(kSyn | kAck).e);
       }
     },
     "203.0.113.80", "", 0},
    {"brute_force", 20,
     [](DetectHarness& h, uint32_t n) {
       for (uint32_t i = 0; i < n; ++i)
         h.add(Session(kT0 + i * 1000).from("203.0.113.61", uint16_t(40000 + i)).to("198.51.100.10", 22)
                   .established().e);
     },
     "203.0.113.61", "198.51.100.10", 22},
    {"service_unavailable", 10,
     [](DetectHarness& h, uint32_t n) {
       for (uint32_t i = 0; i < n; ++i)
         h.add(Session(kT0 + i * 1000).from("203.0.113.60", uint16_t(40000 + i)).to("198.51.100.10", 3306)
                   .rejected().e);
     },
     "", "198.51.100.10", 3306},
};

std::vector<detect::Alert> run(const ThresholdCase& c, uint32_t n, uint32_t shards = 1) {
  DetectHarness h(DetectConfig{}, shards);
  c.sessions(h, n);
  h.finish(kT0 + 3600 * 1000);
  return h.collector.opened(c.detector);
}

TEST(DetectorThreshold, SilentJustBelowAndRaisedAtTheThreshold) {
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.detector);
    EXPECT_TRUE(run(c, c.threshold - 1).empty()) << "one below the threshold";
    const auto alerts = run(c, c.threshold);
    ASSERT_EQ(alerts.size(), 1u) << "at the threshold";
    const detect::Alert& a = alerts[0];
    EXPECT_EQ(a.source.is_set() ? a.source.to_string() : "", c.source);
    EXPECT_EQ(a.target.is_set() ? a.target.to_string() : "", c.target);
    EXPECT_EQ(a.port, c.port);
    EXPECT_EQ(session::perspective_name(a.perspective), "inbound");
    EXPECT_GE(a.score, 0);
    EXPECT_FALSE(a.summary.empty());
    EXPECT_EQ(a.evidence.front(), '{');
  }
}

TEST(DetectorThreshold, SameAlertsWithOneAndEightShards) {
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.detector);
    DetectHarness one(DetectConfig{}, 1), eight(DetectConfig{}, 8);
    c.sessions(one, c.threshold * 3);
    c.sessions(eight, c.threshold * 3);
    one.finish(kT0 + 3600 * 1000);
    eight.finish(kT0 + 3600 * 1000);
    EXPECT_FALSE(one.collector.lines.empty());
    EXPECT_EQ(one.collector.lines, eight.collector.lines);
  }
}

TEST(DetectorThreshold, ServiceThatEstablishesIsNotUnavailable) {
  DetectHarness h;
  for (uint32_t i = 0; i < 30; ++i)
    h.add(Session(kT0 + i * 1000).from("203.0.113.60", uint16_t(40000 + i)).to("198.51.100.10", 80).rejected().e);
  h.add(Session(kT0 + 30000).from("203.0.113.61", 40100).to("198.51.100.10", 80).established().e);
  h.finish(kT0 + 3600 * 1000);
  const auto& all = h.collector.alerts;
  ASSERT_GE(all.size(), 2u) << h.collector.lines;
  EXPECT_EQ(all.front().status, detect::AlertStatus::kOpen);
  for (size_t i = 1; i + 1 < all.size(); ++i) EXPECT_EQ(all[i].status, detect::AlertStatus::kUpdate);
  EXPECT_EQ(all.back().status, detect::AlertStatus::kResolved) << "an established session resolves it";
  EXPECT_EQ(all.back().count, 30u);
  for (const auto& a : all) EXPECT_EQ(a.id, all.front().id) << "one alert, one id";
}

TEST(DetectorThreshold, AllowlistedSourceRaisesNothing) {
  DetectConfig config;
  detect::AllowEntry allow;
  std::string error;
  ASSERT_TRUE(session::Prefix::parse("203.0.113.50/32", allow.prefix, error));
  allow.role = detect::AllowEntry::Role::kSource;
  allow.detectors = {"port_scan", "scanner"};
  config.allowlist.push_back(allow);
  DetectHarness h(config);
  port_probes(h, 40);
  h.finish(kT0 + 3600 * 1000);
  EXPECT_TRUE(h.collector.opened("port_scan").empty());
  EXPECT_TRUE(h.collector.opened("scanner").empty());
  EXPECT_GT(h.engine().counters().get(detect::EngineCounter::alerts_suppressed), 0u);
}

TEST(DetectorThreshold, ScannerAlarmsAfterFourFailedFirstContacts) {
  DetectHarness h;
  port_probes(h, 50);
  h.finish(kT0 + 3600 * 1000);
  const auto alerts = h.collector.opened("scanner");
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_NE(alerts[0].evidence.find("\"contacts_to_alarm\":4"), std::string::npos) << alerts[0].evidence;
}

}  // namespace
}  // namespace synwatch::testing

namespace synwatch::testing {
namespace {

// Probe-like sessions of sampled input (1:10): a SYN seen, nothing more, from
// `client_ports` different client ports to each of `ports` ports.
std::vector<detect::Alert> sampled_port_probes(uint32_t ports, uint32_t client_ports, uint32_t rate = 10) {
  DetectHarness h;
  int64_t t = kT0;
  for (uint32_t i = 0; i < ports; ++i)
    for (uint32_t k = 0; k < client_ports; ++k) {
      Session s(t += 10);
      s.from("203.0.113.50", uint16_t(40000 + k)).to("198.51.100.10", uint16_t(i + 1)).flags(kSyn, 0);
      s.e.sampled = true, s.e.sampling = rate, s.e.syn_packets = rate, s.e.state = ConnState::S0;
      h.add(s.e);
    }
  h.finish(kT0 + 3600 * 1000);
  return h.collector.opened("port_scan");
}

TEST(DetectorThreshold, SampledPortScanNeedsFivePortsSeenAndAnEstimateAtTheThreshold) {
  EXPECT_TRUE(sampled_port_probes(4, 1).empty()) << "4 ports seen: too few to estimate from";
  const auto found = sampled_port_probes(5, 1);
  ASSERT_EQ(found.size(), 1u) << "5 ports seen once each at 1:10: about 29 probed";
  EXPECT_EQ(found[0].count, 29u);
  EXPECT_NE(found[0].summary.find("probed about 29 ports of 198.51.100.10 without a session: 5 seen at 1:10"),
            std::string::npos)
      << found[0].summary;
  // A client that retries 10 closed ports 6 times each is seen on all of them, often: it
  // probed 10 ports, not 50, and stays below 15.
  EXPECT_TRUE(sampled_port_probes(10, 6).empty());
  EXPECT_EQ(sampled_port_probes(5, 1, 1000).at(0).count, 2504u);  // 1:1000: each probe seen rarely
}

}  // namespace
}  // namespace synwatch::testing
