// Sessions from flow records, case by case: every Zeek state from flag unions, the
// ambiguous cases (order lost in unions, one-way visibility, split records, two
// exporters, bi-flows, NSEL, sampling), decision timing, and the table's bound.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "dataplane/session/session_shards.h"
#include "dataplane/session/session_table.h"

namespace synwatch::session {
namespace {

using decode::FlowRecord;
using namespace tcp;

constexpr int64_t kT0 = 1700000000000;

// A record built fluently: Rec("10.0.0.1", 40000, "10.0.0.2", 80).flags(kSyn).at(0, 0).
struct Rec {
  FlowRecord r;
  Rec(const char* src, uint16_t sport, const char* dst, uint16_t dport) {
    wire::IpAddress::parse(src, r.src);
    wire::IpAddress::parse(dst, r.dst);
    wire::IpAddress::parse("192.0.2.1", r.exporter);
    r.src_port = sport;
    r.dst_port = dport;
    r.proto = 6;
    r.packets = 1;
    r.bytes = 60;
    r.start_ms = r.end_ms = r.export_ms = kT0;
  }
  Rec& flags(uint8_t f) { r.tcp_flags = f; return *this; }
  Rec& count(uint64_t packets, uint64_t bytes) { r.packets = packets; r.bytes = bytes; return *this; }
  Rec& at(int64_t start_s, int64_t end_s) {
    r.start_ms = kT0 + start_s * 1000;
    r.end_ms = kT0 + end_s * 1000;
    r.export_ms = std::max(r.export_ms, r.end_ms);
    return *this;
  }
  Rec& exported(int64_t s) { r.export_ms = kT0 + s * 1000; return *this; }
  Rec& exporter(const char* a) { wire::IpAddress::parse(a, r.exporter); return *this; }
  Rec& sampled(uint32_t rate) { r.sampling = rate; return *this; }
  Rec& reverse(uint8_t f, uint64_t packets, uint64_t bytes) {
    r.has_reverse = true;
    r.rev_tcp_flags = f;
    r.rev_packets = packets;
    r.rev_bytes = bytes;
    return *this;
  }
  operator const FlowRecord&() const { return r; }
};

const char* C = "203.0.113.5";   // client
const char* S = "198.51.100.10"; // server

class Collect : public SessionSink {
 public:
  void on_session(const SessionEvent& e) override { sessions.push_back(e); }
  std::vector<SessionEvent> sessions;
};

SessionConfig small() {
  SessionConfig c;
  c.capacity = 4096;
  return c;
}

std::vector<SessionEvent> run(const std::vector<Rec>& records, SessionConfig config = small()) {
  Collect out;
  SessionShards shards(1, config, out);
  for (const auto& r : records) shards.on_record(r);
  shards.finish();
  return out.sessions;
}

struct StateCase {
  const char* description;
  std::vector<Rec> records;
  const char* state;
  bool established;
  bool failed;
  const char* client;
};

TEST(Sessions, EveryStateFromFlagUnions) {
  const StateCase cases[] = {
      {"S0: SYN, no reply", {Rec(C, 40000, S, 80).flags(kSyn).count(3, 180)}, "S0", false, true, C},
      {"REJ: SYN answered by RST-ACK", {Rec(C, 40000, S, 81).flags(kSyn), Rec(S, 81, C, 40000).flags(kRst | kAck)}, "REJ", false, true, C},
      {"RSTOS0: SYN then RST, no SYN-ACK", {Rec(C, 40000, S, 80).flags(kSyn | kRst).count(2, 100)}, "RSTOS0", false, true, C},
      {"RSTOS0 with the RST-ACK of a client that gave up", {Rec(C, 40000, S, 80).flags(kSyn | kRst | kAck).count(2, 100)}, "RSTOS0", false, true, C},
      {"SH: SYN then FIN, no SYN-ACK", {Rec(C, 40000, S, 80).flags(kSyn | kFin).count(2, 100)}, "SH", false, true, C},
      {"RSTRH: SYN-ACK then RST, no SYN seen", {Rec(S, 80, C, 40000).flags(kSyn | kAck | kRst).count(2, 100)}, "RSTRH", false, false, C},
      {"SHR: SYN-ACK then FIN, no SYN seen", {Rec(S, 80, C, 40000).flags(kSyn | kAck | kFin).count(2, 100)}, "SHR", false, false, C},
      {"S1: handshake, still open", {Rec(C, 40000, S, 80).flags(kSyn | kAck | kPsh).count(5, 500), Rec(S, 80, C, 40000).flags(kSyn | kAck | kPsh).count(5, 5000)}, "S1", true, false, C},
      {"S1 half-open: SYN + SYN-ACK, client never ACKs (spoofed SYN)", {Rec(C, 40000, S, 80).flags(kSyn), Rec(S, 80, C, 40000).flags(kSyn | kAck).count(3, 180)}, "S1", false, true, C},
      {"SF: FIN both ways", {Rec(C, 40000, S, 80).flags(kSyn | kAck | kFin | kPsh).count(6, 400), Rec(S, 80, C, 40000).flags(kSyn | kAck | kFin | kPsh).count(6, 1700)}, "SF", true, false, C},
      {"S2: only the client closed", {Rec(C, 40000, S, 80).flags(kSyn | kAck | kFin).count(4, 300), Rec(S, 80, C, 40000).flags(kSyn | kAck).count(3, 900)}, "S2", true, false, C},
      {"S3: only the server closed", {Rec(C, 40000, S, 80).flags(kSyn | kAck).count(4, 300), Rec(S, 80, C, 40000).flags(kSyn | kAck | kFin).count(3, 900)}, "S3", true, false, C},
      {"RSTO: established, client aborts", {Rec(C, 40000, S, 80).flags(kSyn | kAck | kRst).count(5, 400), Rec(S, 80, C, 40000).flags(kSyn | kAck).count(4, 900)}, "RSTO", true, false, C},
      {"RSTO: nmap SYN probe of an open port (SYN, SYN-ACK, RST)", {Rec(C, 40000, S, 22).flags(kSyn | kRst).count(2, 84), Rec(S, 22, C, 40000).flags(kSyn | kAck)}, "RSTO", false, true, C},
      {"RSTR: established, server aborts", {Rec(C, 40000, S, 80).flags(kSyn | kAck).count(5, 400), Rec(S, 80, C, 40000).flags(kSyn | kAck | kRst).count(4, 900)}, "RSTR", true, false, C},
      {"OTH: midstream, no SYN", {Rec(C, 40000, S, 80).flags(kAck | kPsh).count(5, 900), Rec(S, 80, C, 40000).flags(kAck).count(5, 300)}, "OTH", false, false, C},
      {"NULL probe answered by RST is RSTRH (Zeek)", {Rec(C, 40000, S, 80).flags(0), Rec(S, 80, C, 40000).flags(kRst | kAck)}, "RSTRH", false, false, C},
      {"XMAS probe answered by RST is RSTR (Zeek)", {Rec(C, 40000, S, 80).flags(kFin | kPsh | kUrg), Rec(S, 80, C, 40000).flags(kRst | kAck)}, "RSTR", false, false, C},
      {"FIN probe answered by RST is RSTR (Zeek)", {Rec(C, 40000, S, 80).flags(kFin), Rec(S, 80, C, 40000).flags(kRst | kAck)}, "RSTR", false, false, C},
      {"lone RST: OTH, never failed", {Rec(C, 40000, S, 80).flags(kRst)}, "OTH", false, false, C},
      {"both RST without payload: REJ", {Rec(C, 40000, S, 80).flags(kSyn | kRst).count(2, 80), Rec(S, 80, C, 40000).flags(kRst | kAck)}, "REJ", false, true, C},
  };
  for (const auto& c : cases) {
    const auto out = run(c.records);
    ASSERT_EQ(out.size(), 1u) << c.description;
    EXPECT_EQ(state_name(out[0].state), c.state) << c.description;
    EXPECT_EQ(out[0].established, c.established) << c.description;
    EXPECT_EQ(out[0].failed, c.failed) << c.description;
    EXPECT_EQ(out[0].client.to_string(), c.client) << c.description;
  }
}

TEST(Sessions, ClientAndServerWithoutSynFollowPortsAndServices) {
  // Midstream: the well-known port is the server's, whichever side the record is from.
  auto out = run({Rec(S, 443, C, 51000).flags(kAck)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].server_port, 443);
  // Both ephemeral: a configured service wins over the lower port.
  SessionConfig config = small();
  Service svc;
  wire::IpAddress::parse(C, svc.address);
  svc.port = 40000;
  config.services.push_back(svc);
  out = run({Rec(C, 40000, S, 30000).flags(kAck)}, config);
  EXPECT_EQ(out[0].server.to_string(), C);
  EXPECT_EQ(out[0].server_port, 40000);
}

TEST(Sessions, SplitRecordsAreStitchedAndCountsAdd) {
  // An exporter cut a 45 s session at its 30 s active timeout: two records per side.
  const auto out = run({Rec(C, 40000, S, 80).flags(kSyn | kAck | kPsh).count(40, 3000).at(0, 30),
                        Rec(S, 80, C, 40000).flags(kSyn | kAck | kPsh).count(40, 60000).at(0, 30),
                        Rec(C, 40000, S, 80).flags(kAck | kFin).count(20, 1500).at(30, 45),
                        Rec(S, 80, C, 40000).flags(kAck | kFin | kPsh).count(25, 30000).at(30, 45)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(state_name(out[0].state), "SF");
  EXPECT_EQ(out[0].c2s_packets, 60u);
  EXPECT_EQ(out[0].s2c_bytes, 90000u);
  EXPECT_EQ(out[0].end_ms - out[0].start_ms, 45000);
  EXPECT_EQ(out[0].decision, Decision::kFinal);
}

TEST(Sessions, OneWayVisibilityStillDecidesAttempts) {
  // Only the client's flows are exported (asymmetric routing, one exporter).
  auto out = run({Rec(C, 40000, S, 80).flags(kSyn).count(3, 180)});
  EXPECT_EQ(state_name(out[0].state), "S0");
  EXPECT_TRUE(out[0].failed);
  // A completed exchange seen one way: no SYN-ACK visible, yet established (the client
  // ACKed), and Zeek would call it SH: the state is unknowable one way, 'established' is not.
  out = run({Rec(C, 40000, S, 80).flags(kSyn | kAck | kFin | kPsh).count(6, 500)});
  EXPECT_TRUE(out[0].established);
  EXPECT_FALSE(out[0].failed);
}

TEST(Sessions, TwoExportersJoinWithoutCountingADirectionTwice) {
  // Asymmetric routing: the forward path through one router, the return through another;
  // the forward direction also crosses a second router that exports it again.
  const auto out = run({Rec(C, 40000, S, 80).flags(kSyn).exporter("192.0.2.1"),
                        Rec(C, 40000, S, 80).flags(kSyn).exporter("192.0.2.3"),
                        Rec(S, 80, C, 40000).flags(kRst | kAck).exporter("192.0.2.2")});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(state_name(out[0].state), "REJ");
  EXPECT_EQ(out[0].c2s_packets, 1u) << "the duplicate direction is not counted twice";
  EXPECT_EQ(out[0].exporter_count, 2);
  // Not joined when configured so: each exporter sees half a conversation.
  SessionConfig apart = small();
  apart.join_exporters = false;
  const auto split = run({Rec(C, 40000, S, 80).flags(kSyn).exporter("192.0.2.1"),
                          Rec(S, 80, C, 40000).flags(kRst | kAck).exporter("192.0.2.2")},
                         apart);
  EXPECT_EQ(split.size(), 2u);
}

TEST(Sessions, BiflowAndNselRecordsCarryBothDirections) {
  auto out = run({Rec(C, 40000, S, 80).flags(kSyn | kAck | kFin).count(6, 400)
                      .reverse(kSyn | kAck | kFin, 5, 3000)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(state_name(out[0].state), "SF");
  EXPECT_EQ(out[0].s2c_bytes, 3000u);
  // NSEL: counters both ways but no TCP flags; the outcome cannot be told (OTH), and
  // such a session is never counted as failed.
  out = run({Rec(C, 40000, S, 443).flags(0).count(10, 1200).reverse(0, 12, 5400)});
  EXPECT_EQ(state_name(out[0].state), "OTH");
  EXPECT_FALSE(out[0].failed);
  EXPECT_EQ(out[0].s2c_packets, 12u);
}

TEST(Sessions, SampledSessionsNeedEvidenceToFail) {
  // sFlow 1:1000: a sampled SYN whose answer was not sampled proves nothing.
  auto out = run({Rec(C, 40000, S, 80).flags(kSyn).sampled(1000)});
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].sampled);
  EXPECT_FALSE(out[0].failed);
  EXPECT_EQ(out[0].syn_packets, 1000u) << "per-packet estimate, scaled";
  // A sampled rejection is positive evidence.
  out = run({Rec(C, 40000, S, 80).flags(kSyn).sampled(1000),
             Rec(S, 80, C, 40000).flags(kRst | kAck).sampled(1000)});
  EXPECT_EQ(state_name(out[0].state), "REJ");
  EXPECT_TRUE(out[0].failed);
  EXPECT_EQ(out[0].rst_packets, 1000u);
}

TEST(Sessions, S0WaitsForTheAnswerWindowAndTheReplyStillJoins) {
  SessionConfig config = small();
  config.answer_window_s = 30;
  config.export_grace_s = 5;
  Collect out;
  SessionShards shards(1, config, out);
  shards.on_record(Rec(C, 40000, S, 80).flags(kSyn).at(0, 0).exported(1));
  shards.on_record(Rec(C, 1, S, 1).flags(kAck).at(20, 20).exported(20));  // time passes
  EXPECT_TRUE(out.sessions.empty()) << "no S0 before the answer window";
  // The reply, exported a little later than the SYN, still within the window.
  shards.on_record(Rec(S, 80, C, 40000).flags(kRst | kAck).at(0, 0).exported(21));
  ASSERT_EQ(out.sessions.size(), 1u);
  EXPECT_EQ(state_name(out.sessions[0].state), "REJ");
  // A lone SYN is decided once the window (and the grace) has passed.
  shards.on_record(Rec(C, 40001, S, 80).flags(kSyn).at(30, 30).exported(31));
  shards.on_record(Rec(C, 2, S, 2).flags(kAck).at(59, 59).exported(59));
  EXPECT_EQ(out.sessions.size(), 1u);
  shards.on_record(Rec(C, 3, S, 3).flags(kAck).at(61, 61).exported(61));
  ASSERT_EQ(out.sessions.size(), 2u);
  EXPECT_EQ(state_name(out.sessions[1].state), "S0");
  EXPECT_EQ(out.sessions[1].decision, Decision::kAnswerWindow);
}

TEST(Sessions, PortReuseAfterADecisionStartsANewSession) {
  const auto out = run({Rec(C, 40000, S, 81).flags(kSyn).at(0, 0),
                        Rec(S, 81, C, 40000).flags(kRst | kAck).at(0, 0),
                        Rec(C, 40000, S, 81).flags(kSyn).at(5, 5).exported(5),
                        Rec(S, 81, C, 40000).flags(kRst | kAck).at(5, 5).exported(5)});
  EXPECT_EQ(out.size(), 2u);
}

TEST(Sessions, MaximumLifetimeDecidesLongSessions) {
  SessionConfig config = small();
  config.max_lifetime_s = 60;
  config.idle_timeout_s = 300;
  const auto out = run({Rec(C, 40000, S, 80).flags(kSyn | kAck).count(100, 9000).at(0, 50),
                        Rec(S, 80, C, 40000).flags(kSyn | kAck).count(100, 90000).at(0, 50),
                        Rec(C, 9, S, 9).flags(kAck).at(400, 400).exported(400)},
                       config);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(state_name(out[0].state), "S1");
  EXPECT_EQ(out[0].decision, Decision::kLifetime);
}

TEST(Sessions, PerspectiveFromInternalPrefixes) {
  SessionConfig config = small();
  std::string error;
  Prefix p;
  ASSERT_TRUE(Prefix::parse("198.51.100.0/24", p, error));
  config.internal = {p};
  const struct {
    const char *client, *server, *perspective;
  } cases[] = {
      {"203.0.113.5", "198.51.100.10", "inbound"},  {"198.51.100.10", "203.0.113.5", "outbound"},
      {"198.51.100.9", "198.51.100.10", "private"}, {"203.0.113.5", "203.0.113.6", "edge"},
      {"169.254.1.1", "198.51.100.10", "excluded"}, {"198.51.100.9", "224.0.0.5", "excluded"},
  };
  for (const auto& c : cases) {
    const auto out = run({Rec(c.client, 40000, c.server, 80).flags(kSyn)}, config);
    EXPECT_EQ(perspective_name(out[0].perspective), c.perspective) << c.client << " > " << c.server;
  }
  EXPECT_EQ(perspective_name(run({Rec("10.1.2.3", 40000, "8.8.8.8", 443).flags(kSyn)})[0].perspective),
            "outbound") << "default prefixes: RFC 1918";
  Prefix ten, partner;
  ASSERT_TRUE(Prefix::parse("10.0.0.0/8", ten, error));
  ASSERT_TRUE(Prefix::parse("10.99.0.0/16", partner, error));
  PerspectiveMap carved({ten}, {partner});
  wire::IpAddress inside, exception;
  wire::IpAddress::parse("10.1.2.3", inside);
  wire::IpAddress::parse("10.99.2.3", exception);
  EXPECT_TRUE(carved.internal(inside));
  EXPECT_FALSE(carved.internal(exception)) << "the longer, external prefix decides";
  Prefix ula, host;
  ASSERT_TRUE(Prefix::parse("fc00::/7", ula, error));
  ASSERT_TRUE(Prefix::parse("2001:db8::5", host, error));
  PerspectiveMap map({ula, host});
  wire::IpAddress a, b;
  wire::IpAddress::parse("fd12::1", a);
  wire::IpAddress::parse("2001:db8::5", b);
  EXPECT_TRUE(map.internal(a));
  EXPECT_TRUE(map.internal(b));
  wire::IpAddress::parse("2001:db8::6", b);
  EXPECT_FALSE(map.internal(b));
}

TEST(Sessions, TableStaysAtItsBoundAndEvictsTheOldestUndecided) {
  SessionConfig config;
  config.capacity = 64;
  Collect out;
  SessionShards shards(1, config, out);
  for (uint16_t i = 0; i < 200; ++i)
    shards.on_record(Rec(C, static_cast<uint16_t>(10000 + i), S, 80).flags(kSyn).at(i / 10, i / 10));
  EXPECT_LE(shards.shard(0).size(), 64u);
  EXPECT_EQ(shards.counters().get(SessionCounter::evicted_undecided), 200u - 64u);
  ASSERT_EQ(out.sessions.size(), 200u - 64u);
  EXPECT_EQ(out.sessions[0].client_port, 10000) << "the oldest goes first";
  EXPECT_EQ(out.sessions[0].decision, Decision::kEvicted);
  shards.finish();
  EXPECT_EQ(out.sessions.size(), 200u);
}

// What a decided session says, all of it, as one line to compare.
std::string describe(const SessionEvent& e) {
  std::ostringstream o;
  o << e.client.to_string() << ':' << e.client_port << '>' << e.server.to_string() << ':' << e.server_port
    << " state " << static_cast<int>(e.state) << " flags " << int{e.client_flags} << '/' << int{e.server_flags}
    << " packets " << e.c2s_packets << '/' << e.s2c_packets << " bytes " << e.c2s_bytes << '/' << e.s2c_bytes
    << " time " << e.start_ms << '-' << e.end_ms << " exporters " << int{e.exporter_count}
    << " decision " << static_cast<int>(e.decision) << " at " << e.decided_ms;
  return o.str();
}

// The worker joins bursts with apply_batch, which looks keys up ahead of joining them;
// the replay joins records one by one with apply. Both must decide the same sessions in
// the same order, also when a burst holds one session many times, reuses a decided
// session's ports, evicts at the bound, mixes exporters and UDP, and moves the clock.
TEST(Sessions, ABurstJoinsExactlyAsRecordsOneByOne) {
  SessionConfig config;
  config.capacity = 160;  // below the 192 keys: some evictions, and room to reuse ports
  config.join_exporters = false;
  const uint8_t kFlags[] = {kSyn, kSyn | kAck, kAck, kFin | kAck, kRst, kRst | kAck, kSyn | kAck | kFin};
  std::mt19937 random(7);
  std::vector<FlowRecord> records;
  std::vector<int64_t> watermarks;
  int64_t watermark = kT0;
  for (int i = 0; i < 20000; ++i) {
    const bool forward = random() % 2 == 0;
    const std::string client = "10.0.0." + std::to_string(random() % 8);
    const auto client_port = static_cast<uint16_t>(40000 + random() % 12);
    const int64_t at = i / 200;
    Rec r = forward ? Rec(client.c_str(), client_port, S, 443) : Rec(S, 443, client.c_str(), client_port);
    r.flags(kFlags[random() % std::size(kFlags)]).at(at, at + static_cast<int64_t>(random() % 3));
    if (random() % 4 == 0) r.exporter("192.0.2.2");
    if (random() % 20 == 0) r.r.proto = 17;
    watermark = std::max(watermark, r.r.export_ms);
    records.push_back(r);
    watermarks.push_back(watermark);
  }

  PerspectiveMap perspective(config.internal);
  Collect one_by_one, in_bursts;
  SessionTable single(config, perspective, one_by_one), batched(config, perspective, in_bursts);
  for (size_t i = 0; i < records.size(); ++i) single.apply(records[i], watermarks[i]);
  for (size_t i = 0; i < records.size();) {
    const size_t n = std::min<size_t>(1 + random() % 64, records.size() - i);
    batched.apply_batch(&records[i], &watermarks[i], n);
    i += n;
  }
  single.flush();
  batched.flush();

  EXPECT_GT(single.counters().get(SessionCounter::port_reuse), 0u);
  EXPECT_GT(single.counters().get(SessionCounter::evicted_undecided), 0u);
  ASSERT_EQ(in_bursts.sessions.size(), one_by_one.sessions.size());
  for (size_t i = 0; i < one_by_one.sessions.size(); ++i)
    ASSERT_EQ(describe(in_bursts.sessions[i]), describe(one_by_one.sessions[i])) << "session " << i;
  for (size_t c = 0; c < kSessionCounterCount; ++c)
    EXPECT_EQ(batched.counters().get(static_cast<SessionCounter>(c)),
              single.counters().get(static_cast<SessionCounter>(c)));
}

}  // namespace
}  // namespace synwatch::session
