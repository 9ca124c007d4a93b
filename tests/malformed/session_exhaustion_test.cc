// Session-table exhaustion: 10 million spoofed SYN records (random sources, one victim)
// against a table of 1 million sessions. Memory stays at the bound, every eviction is
// counted, and real sessions interleaved with the flood, their two directions 100 flood
// records apart, are still joined and decided correctly.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "dataplane/session/session_shards.h"

namespace synwatch::session {
namespace {

constexpr int64_t kT0 = 1700000000000;

long resident_kib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

class Tally : public SessionSink {
 public:
  void on_session(const SessionEvent& e) override {
    ++total;
    if (e.server_port == 443) {
      ++good;
      if (e.state == ConnState::REJ && e.client.is_v4() && e.failed) ++good_correct;
    }
  }
  uint64_t total = 0, good = 0, good_correct = 0;
};

decode::FlowRecord record(uint32_t src, uint16_t sport, uint32_t dst, uint16_t dport, uint8_t flags,
                          int64_t t_ms) {
  decode::FlowRecord r;
  r.src = wire::IpAddress::v4(src);
  r.dst = wire::IpAddress::v4(dst);
  wire::IpAddress::parse("192.0.2.1", r.exporter);
  r.src_port = sport;
  r.dst_port = dport;
  r.proto = 6;
  r.tcp_flags = flags;
  r.packets = 1;
  r.bytes = 60;
  r.start_ms = r.end_ms = r.export_ms = t_ms;
  return r;
}

struct Answer {
  uint32_t client;
  uint16_t port;
  uint64_t at;
};
std::vector<Answer> pending_answers;

TEST(SessionExhaustion, TenMillionSpoofedSynsAgainstAMillionSessions) {
  pending_answers.reserve(16);
  SessionConfig config;
  config.capacity = 1'000'000;
  Tally tally;
  SessionShards shards(1, config, tally);
  const long rss_before = resident_kib();

  const uint32_t victim = 0xc633640a;  // 198.51.100.10
  uint32_t lcg = 12345;
  uint64_t good_sent = 0;
  const uint64_t flood = 10'000'000;
  for (uint64_t i = 0; i < flood; ++i) {
    lcg = lcg * 1664525u + 1013904223u;
    const int64_t t = kT0 + static_cast<int64_t>(i / 1000);  // 1 ms of flow time per 1000
    shards.on_record(record(lcg | 0x01000000u, static_cast<uint16_t>(lcg >> 8), victim, 80, 0x02, t));
    if (i % 10'000 == 5'000) {  // a real client, refused on 443; its answer comes later
      const uint32_t client = 0xcb007100u + static_cast<uint32_t>(good_sent % 200);  // 203.0.113.x
      const auto port = static_cast<uint16_t>(20000 + good_sent);
      shards.on_record(record(client, port, victim, 443, 0x02, t));
      pending_answers.push_back({client, port, i + 100});
      ++good_sent;
    }
    while (!pending_answers.empty() && pending_answers.front().at == i) {
      const auto a = pending_answers.front();
      shards.on_record(record(victim, 443, a.client, a.port, 0x14, t));
      pending_answers.erase(pending_answers.begin());
    }
  }
  const long rss_after = resident_kib();
  EXPECT_LE(shards.shard(0).size(), config.capacity);
  const auto evicted = shards.counters().get(SessionCounter::evicted_undecided);
  EXPECT_GE(evicted, flood - config.capacity);
  EXPECT_EQ(tally.good, good_sent);
  EXPECT_EQ(tally.good_correct, good_sent) << "every real session decided REJ";
  // The table was allocated up front; ten million records add nothing (a few MiB slack
  // for the allocator and the test's own bookkeeping).
  EXPECT_LT(rss_after - rss_before, 16 * 1024) << "resident KiB before " << rss_before
                                              << " after " << rss_after;
  shards.finish();
  EXPECT_EQ(tally.total, shards.counters().get(SessionCounter::sessions_created));
  RecordProperty("evicted", static_cast<int>(evicted));
}

}  // namespace
}  // namespace synwatch::session
