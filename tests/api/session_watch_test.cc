// SessionWatch: top failed keys over flow-time windows, bounded per minute with exact
// totals, and lookup of the newest sessions of an address.
#include "control/sessions/session_watch.h"

#include <gtest/gtest.h>

namespace synwatch::control {
namespace {

using session::ConnState;
using session::Perspective;

constexpr int64_t kMinute = SessionWatch::kMinuteMs;
constexpr int64_t kStart = 1'700'000'000'000 / kMinute * kMinute;  // a minute boundary

wire::IpAddress ip(const char* text) {
  wire::IpAddress a;
  EXPECT_TRUE(wire::IpAddress::parse(text, a)) << text;
  return a;
}

session::SessionEvent session_of(const char* client, const char* server, uint16_t port, ConnState state,
                                 int64_t decided_ms, Perspective p = Perspective::kInbound) {
  session::SessionEvent s;
  s.client = ip(client);
  s.server = ip(server);
  s.client_port = 40000;
  s.server_port = port;
  s.state = state;
  s.failed = state == ConnState::S0 || state == ConnState::REJ || state == ConnState::RSTOS0;
  s.established = state == ConnState::SF;
  s.perspective = p;
  s.start_ms = decided_ms - 1000;
  s.end_ms = decided_ms - 500;
  s.decided_ms = decided_ms;
  return s;
}

TEST(SessionWatch, RanksServersByFailuresOverTheWindowOnly) {
  SessionWatch watch({1024, 64});
  // Ten minutes ago: 9 failures to .9 (outside a 5-minute window).
  for (int i = 0; i < 9; ++i) watch.on_session(session_of("198.51.100.1", "10.0.0.9", 22, ConnState::S0, kStart));
  const int64_t now = kStart + 10 * kMinute;
  for (int i = 0; i < 3; ++i) watch.on_session(session_of("198.51.100.1", "10.0.0.1", 22, ConnState::REJ, now - i * kMinute));
  for (int i = 0; i < 5; ++i) watch.on_session(session_of("198.51.100.2", "10.0.0.2", 443, ConnState::S0, now));
  watch.on_session(session_of("198.51.100.2", "10.0.0.2", 443, ConnState::SF, now));  // not failed

  const TopFailed top = watch.top_failed({TopBy::kServer, 300, 10, {}});
  ASSERT_EQ(top.rows.size(), 2u);
  EXPECT_EQ(top.rows[0].key.host, ip("10.0.0.2"));
  EXPECT_EQ(top.rows[0].counts.failed, 5u);
  EXPECT_EQ(top.rows[0].counts.unanswered, 5u);
  EXPECT_EQ(top.rows[1].key.host, ip("10.0.0.1"));
  EXPECT_EQ(top.rows[1].counts.failed, 3u);
  EXPECT_EQ(top.rows[1].counts.rejected, 3u);
  EXPECT_EQ(top.total.failed, 8u);
  EXPECT_EQ(top.from_ms, now - 4 * kMinute);
  EXPECT_EQ(top.to_ms, now + kMinute);

  // An hour's window reaches the old minute too.
  const TopFailed hour = watch.top_failed({TopBy::kServer, 3600, 1, {}});
  ASSERT_EQ(hour.rows.size(), 1u);
  EXPECT_EQ(hour.rows[0].key.host, ip("10.0.0.9"));
  EXPECT_EQ(hour.total.failed, 17u);
}

TEST(SessionWatch, CountsByClientPortAndPerspective) {
  SessionWatch watch({1024, 64});
  watch.on_session(session_of("198.51.100.1", "10.0.0.1", 22, ConnState::S0, kStart));
  watch.on_session(session_of("198.51.100.1", "10.0.0.2", 22, ConnState::S0, kStart));
  watch.on_session(session_of("10.0.0.5", "203.0.113.7", 25, ConnState::REJ, kStart, Perspective::kOutbound));

  const TopFailed clients = watch.top_failed({TopBy::kClient, 300, 10, {}});
  ASSERT_EQ(clients.rows.size(), 2u);
  EXPECT_EQ(clients.rows[0].key.host, ip("198.51.100.1"));
  EXPECT_EQ(clients.rows[0].counts.failed, 2u);

  const TopFailed ports = watch.top_failed({TopBy::kServerPort, 300, 10, {}});
  ASSERT_EQ(ports.rows.size(), 2u);
  EXPECT_EQ(ports.rows[0].key.port, 22);
  EXPECT_FALSE(ports.rows[0].key.host.is_set());
  EXPECT_EQ(ports.rows[1].key.port, 25);

  const TopFailed perspectives = watch.top_failed({TopBy::kPerspective, 300, 10, {}});
  EXPECT_EQ(perspectives.not_listed, 0u);  // no bound applies to the five perspectives
  ASSERT_EQ(perspectives.rows.size(), 2u);
  EXPECT_EQ(perspectives.rows[0].key.perspective, Perspective::kInbound);
  EXPECT_EQ(perspectives.rows[0].counts.failed, 2u);
  EXPECT_EQ(perspectives.rows[1].key.perspective, Perspective::kOutbound);

  const TopFailed outbound = watch.top_failed({TopBy::kServer, 300, 10, Perspective::kOutbound});
  ASSERT_EQ(outbound.rows.size(), 1u);
  EXPECT_EQ(outbound.rows[0].key.host, ip("203.0.113.7"));
  EXPECT_EQ(outbound.total.failed, 1u);
}

TEST(SessionWatch, KeysPastTheBoundAreCountedNotListed) {
  SessionWatch watch({1024, 64});
  for (int i = 0; i < 100; ++i) {
    const std::string server = "10.0.1." + std::to_string(i);
    watch.on_session(session_of("198.51.100.1", server.c_str(), 22, ConnState::S0, kStart));
  }
  const TopFailed top = watch.top_failed({TopBy::kServer, 60, 1000, {}});
  EXPECT_EQ(top.rows.size(), 64u);
  EXPECT_EQ(top.not_listed, 36u);
  EXPECT_EQ(top.total.failed, 100u);
  // The next minute starts afresh.
  watch.on_session(session_of("198.51.100.1", "10.0.2.1", 22, ConnState::S0, kStart + kMinute));
  const TopFailed next = watch.top_failed({TopBy::kServer, 60, 1000, {}});
  EXPECT_EQ(next.rows.size(), 1u);
  EXPECT_EQ(next.not_listed, 0u);
}

TEST(SessionWatch, ListsTiesInAFixedOrderWhateverTheArrivalOrder) {
  SessionWatch a({1024, 64}), b({1024, 64});
  const char* servers[] = {"10.0.0.3", "10.0.0.1", "10.0.0.2"};
  for (const char* s : servers) a.on_session(session_of("198.51.100.1", s, 22, ConnState::S0, kStart));
  for (int i = 2; i >= 0; --i) b.on_session(session_of("198.51.100.1", servers[i], 22, ConnState::S0, kStart));
  const TopFailed ta = a.top_failed({TopBy::kServer, 300, 10, {}});
  const TopFailed tb = b.top_failed({TopBy::kServer, 300, 10, {}});
  ASSERT_EQ(ta.rows.size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(ta.rows[i].key.host, tb.rows[i].key.host);
  EXPECT_EQ(ta.rows[0].key.host, ip("10.0.0.1"));
}

TEST(SessionWatch, IgnoresFailuresOlderThanAnHourAndNegativeTimes) {
  SessionWatch watch({1024, 64});
  watch.on_session(session_of("198.51.100.1", "10.0.0.1", 22, ConnState::S0, kStart + 120 * kMinute));
  watch.on_session(session_of("198.51.100.1", "10.0.0.2", 22, ConnState::S0, kStart));  // 2 h late
  watch.on_session(session_of("198.51.100.1", "10.0.0.3", 22, ConnState::S0, -5 * kMinute));
  const TopFailed top = watch.top_failed({TopBy::kServer, 3600, 10, {}});
  ASSERT_EQ(top.rows.size(), 1u);
  EXPECT_EQ(top.rows[0].key.host, ip("10.0.0.1"));
}

TEST(SessionWatch, EmptyBeforeAnyFailure) {
  SessionWatch watch({1024, 64});
  watch.on_session(session_of("198.51.100.1", "10.0.0.1", 22, ConnState::SF, kStart));
  const TopFailed top = watch.top_failed({TopBy::kServer, 300, 10, {}});
  EXPECT_TRUE(top.rows.empty());
  EXPECT_EQ(top.from_ms, 0);
}

TEST(SessionWatch, LooksUpTheNewestSessionsOfAnAddressOnEitherSide) {
  SessionWatch watch({1024, 64});
  for (int i = 0; i < 3000; ++i) {
    const int64_t t = kStart + i;
    if (i % 3 == 0) watch.on_session(session_of("198.51.100.1", "10.0.0.1", 22, ConnState::S0, t));
    else if (i % 3 == 1) watch.on_session(session_of("10.0.0.1", "203.0.113.5", 80, ConnState::SF, t));
    else watch.on_session(session_of("198.51.100.2", "10.0.0.2", 22, ConnState::SF, t));
  }
  const FoundSessions found = watch.lookup(ip("10.0.0.1"), 0, 5);
  EXPECT_EQ(found.retained, 1024u);  // the ring's capacity
  EXPECT_EQ(found.oldest_ms, kStart + 3000 - 1024);
  ASSERT_EQ(found.sessions.size(), 5u);
  EXPECT_EQ(found.sessions[0].decided_ms, kStart + 2998);  // newest first
  EXPECT_EQ(found.sessions[0].client, ip("10.0.0.1"));
  EXPECT_EQ(found.sessions[1].server, ip("10.0.0.1"));
  EXPECT_GT(found.sessions[0].decided_ms, found.sessions[1].decided_ms);

  const FoundSessions port22 = watch.lookup(ip("10.0.0.1"), 22, 1000);
  EXPECT_FALSE(port22.sessions.empty());
  for (const auto& s : port22.sessions) EXPECT_EQ(s.server_port, 22);
  EXPECT_EQ(port22.sessions.size(), 341u);  // i % 3 == 0 among the last 1024

  EXPECT_TRUE(watch.lookup(ip("2001:db8::1"), 0, 10).sessions.empty());
}

TEST(SessionWatch, ABatchCountsAsItsSessionsOneAtATime) {
  std::vector<session::SessionEvent> sessions;
  for (int i = 0; i < 600; ++i) {
    const char* server = i % 3 == 0 ? "10.0.0.1" : "10.0.0.2";
    const ConnState state = i % 4 == 0 ? ConnState::SF : i % 2 == 0 ? ConnState::REJ : ConnState::S0;
    sessions.push_back(session_of("198.51.100.7", server, static_cast<uint16_t>(20 + i % 5), state,
                                  kStart + i * 1000));
  }
  SessionWatch alone({1024, 64}), batched({1024, 64});
  for (const auto& s : sessions) alone.on_session(s);
  for (size_t i = 0; i < sessions.size(); i += 256)
    batched.on_sessions(std::span(sessions).subspan(i, std::min<size_t>(256, sessions.size() - i)));

  for (TopBy by : {TopBy::kServer, TopBy::kClient, TopBy::kServerPort, TopBy::kPerspective}) {
    const TopFailed a = alone.top_failed({by, 3600, 10, {}});
    const TopFailed b = batched.top_failed({by, 3600, 10, {}});
    ASSERT_EQ(a.rows.size(), b.rows.size());
    for (size_t i = 0; i < a.rows.size(); ++i) {
      EXPECT_EQ(a.rows[i].key.host, b.rows[i].key.host);
      EXPECT_EQ(a.rows[i].key.port, b.rows[i].key.port);
      EXPECT_EQ(a.rows[i].counts.failed, b.rows[i].counts.failed);
      EXPECT_EQ(a.rows[i].counts.rejected, b.rows[i].counts.rejected);
    }
    EXPECT_EQ(a.total.failed, b.total.failed);
    EXPECT_GT(a.total.failed, 0u);
  }
  const FoundSessions a = alone.lookup(ip("10.0.0.1"), 0, 1000);
  const FoundSessions b = batched.lookup(ip("10.0.0.1"), 0, 1000);
  EXPECT_EQ(a.retained, b.retained);
  ASSERT_EQ(a.sessions.size(), b.sessions.size());
  for (size_t i = 0; i < a.sessions.size(); ++i) EXPECT_EQ(a.sessions[i].decided_ms, b.sessions[i].decided_ms);
}

}  // namespace
}  // namespace synwatch::control
