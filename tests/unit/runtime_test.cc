// The DPDK runtime under a real EAL (--no-huge --no-pci, no shared config): an export packet
// in an mbuf, single-segment or chained over three segments, reaches the decoder intact.
#include <gtest/gtest.h>

#include <rte_mbuf.h>

#include "dataplane/decode/decoder.h"
#include "dataplane/runtime/eal_session.h"
#include "dataplane/runtime/mbuf_view.h"
#include "tests/support/export_builder.h"

namespace synwatch::runtime {
namespace {

class CountingSink : public decode::RecordSink {
 public:
  void on_record(const decode::FlowRecord&) override { ++records; }
  int records = 0;
};

class RuntimeTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string error;
    eal_ = EalSession::start({"runtime_test", "--no-huge", "--no-pci", "--no-shconf", "-m", "128",
                              "--log-level=error", "-l", "0"},
                             error)
               .release();
    ASSERT_NE(eal_, nullptr) << error;
    pool_ = rte_pktmbuf_pool_create("test_pool", 64, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE, 0);
    ASSERT_NE(pool_, nullptr);
  }

  // The frame copied into a chain of mbufs, `segment` bytes each.
  rte_mbuf* chain(const std::vector<uint8_t>& frame, size_t segment) {
    rte_mbuf* head = nullptr;
    for (size_t off = 0; off < frame.size(); off += segment) {
      rte_mbuf* m = rte_pktmbuf_alloc(pool_);
      const size_t n = std::min(segment, frame.size() - off);
      char* room = m == nullptr ? nullptr : rte_pktmbuf_append(m, static_cast<uint16_t>(n));
      if (room == nullptr) {
        ADD_FAILURE() << "no mbuf room for " << n << " bytes";
        return head;
      }
      std::memcpy(room, frame.data() + off, n);
      if (head == nullptr) {
        head = m;
      } else {
        EXPECT_EQ(rte_pktmbuf_chain(head, m), 0);
      }
    }
    return head;
  }

  static EalSession* eal_;
  static rte_mempool* pool_;
};
EalSession* RuntimeTest::eal_ = nullptr;
rte_mempool* RuntimeTest::pool_ = nullptr;

TEST_F(RuntimeTest, ExportPacketInMbufsReachesTheDecoder) {
  testing::V5Packet p;
  for (int i = 0; i < 5; ++i) p.flow({});
  const auto frame = testing::udp_frame("192.0.2.1", "192.0.2.2", 1000, 2055, p.build());
  for (size_t segment : {frame.size(), size_t{100}}) {
    rte_mbuf* m = chain(frame, segment);
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->nb_segs, segment == frame.size() ? 1 : (frame.size() + 99) / 100);
    static ScratchFrame scratch;
    wire::UdpDatagram d;
    wire::PacketCounters counters;
    ASSERT_TRUE(udp_datagram_of(m, scratch, d, counters));
    EXPECT_EQ(d.src.to_string(), "192.0.2.1");
    decode::Decoder decoder{decode::DecoderConfig{}};
    CountingSink sink;
    decoder.decode({d.src, 0}, d.payload, d.length, sink);
    EXPECT_EQ(sink.records, 5) << "segments of " << segment;
    rte_pktmbuf_free(m);
  }
  EXPECT_FALSE(EalSession::dpdk_version().empty());
}

}  // namespace
}  // namespace synwatch::runtime
