// The wire layer: the byte cursor never reads past its end, addresses print as RFC 5952
// says, and the packet view finds UDP in every link type or names why not.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include "dataplane/wire/byte_cursor.h"
#include "dataplane/wire/ip_address.h"
#include "dataplane/wire/packet_view.h"
#include "tests/support/export_builder.h"

namespace synwatch::wire {
namespace {

using testing::Bytes;
using testing::FrameBuilder;

TEST(ByteCursor, ReadsBigEndianAndFailsWithoutMovingAtTheEnd) {
  const uint8_t data[] = {0x01, 0x02, 0x03, 0x04, 0x05};
  ByteCursor c(data, sizeof data);
  uint16_t a;
  uint32_t b;
  ASSERT_TRUE(c.read_u16(a));
  EXPECT_EQ(a, 0x0102);
  EXPECT_FALSE(c.read_u32(b));
  EXPECT_EQ(c.offset(), 2u);  // a failed read leaves the cursor where it was
  uint64_t v;
  ASSERT_TRUE(c.read_uint(3, v));
  EXPECT_EQ(v, 0x030405u);
  EXPECT_TRUE(c.empty());
  uint8_t x;
  EXPECT_FALSE(c.read_u8(x));
  EXPECT_FALSE(c.skip(1));
}

TEST(ByteCursor, RejectsImpossibleLengths) {
  const uint8_t data[16] = {};
  ByteCursor c(data, sizeof data);
  uint64_t v;
  EXPECT_FALSE(c.read_uint(0, v));
  EXPECT_FALSE(c.read_uint(9, v));
  ByteCursor sub;
  EXPECT_FALSE(c.take(17, sub));
  EXPECT_FALSE(c.skip(SIZE_MAX));
  ASSERT_TRUE(c.take(16, sub));
  EXPECT_EQ(sub.remaining(), 16u);
}

TEST(IpAddress, FormatsRfc5952) {
  const struct {
    const char* in;
    const char* out;
  } cases[] = {
      {"192.0.2.1", "192.0.2.1"},
      {"0.0.0.0", "0.0.0.0"},
      {"255.255.255.255", "255.255.255.255"},
      {"10.0.100.9", "10.0.100.9"},
      {"2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"},
      {"2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"},  // a single zero group stays
      {"2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"},      // first of equal runs compressed
      {"FE80::1", "fe80::1"},
      {"::", "::"},
  };
  for (const auto& c : cases) {
    IpAddress a;
    ASSERT_TRUE(IpAddress::parse(c.in, a)) << c.in;
    EXPECT_EQ(a.to_string(), c.out) << c.in;
  }
  IpAddress bad;
  EXPECT_FALSE(IpAddress::parse("300.1.1.1", bad));
  EXPECT_FALSE(IpAddress::parse("", bad));
}

// The formatter writes IPv6 by hand; glibc's inet_ntop is the reference it must match
// byte for byte, over every address whose groups are drawn from values that exercise
// zero runs, leading zeros and the IPv4-mapped and -compatible forms (4^8 addresses).
TEST(IpAddress, FormatsIpv6AsInetNtopDoes) {
  const uint16_t values[] = {0, 1, 0xffff, 0x0abc};
  for (uint32_t n = 0; n < (1u << 16); ++n) {
    uint8_t raw[16];
    for (int g = 0; g < 8; ++g) {
      const uint16_t v = values[(n >> (2 * g)) & 3];
      raw[2 * g] = static_cast<uint8_t>(v >> 8);
      raw[2 * g + 1] = static_cast<uint8_t>(v);
    }
    char expected[INET6_ADDRSTRLEN];
    ASSERT_NE(inet_ntop(AF_INET6, raw, expected, sizeof expected), nullptr);
    ASSERT_EQ(IpAddress::v6_bytes(raw).to_string(), expected) << "pattern " << n;
  }
}

TEST(IpAddress, V4AndMappedV6AreDifferentAddresses) {
  IpAddress v4, mapped;
  ASSERT_TRUE(IpAddress::parse("10.0.0.1", v4));
  ASSERT_TRUE(IpAddress::parse("::ffff:10.0.0.1", mapped));
  EXPECT_FALSE(v4 == mapped);
  EXPECT_TRUE(v4.is_v4());
}

struct ViewCase {
  const char* description;
  LinkType link;
  std::vector<uint8_t> frame;
  bool ok;
  PacketCounter reason;  // when !ok
};

std::vector<uint8_t> with_prefix(std::vector<uint8_t> prefix, const std::vector<uint8_t>& rest) {
  prefix.insert(prefix.end(), rest.begin(), rest.end());
  return prefix;
}

TEST(PacketView, FindsUdpOrNamesTheReason) {
  const std::vector<uint8_t> payload = {9, 9, 9, 9};
  const auto eth_v4 = testing::udp_frame("192.0.2.1", "192.0.2.2", 5000, 2055, payload);
  const auto eth_v6 = testing::udp_frame("2001:db8::1", "2001:db8::2", 5000, 4739, payload);
  const std::vector<uint8_t> ip_v4(eth_v4.begin() + 14, eth_v4.end());
  const std::vector<uint8_t> ip_v6(eth_v6.begin() + 14, eth_v6.end());
  auto vlan = FrameBuilder().vlan(0x88a8, 100).vlan(0x8100, 200)
                  .ipv4("192.0.2.1", "192.0.2.2", 17, 32).udp(1, 2055, 4).payload(4).build();
  auto padded = eth_v4;
  padded.insert(padded.end(), 10, 0xee);  // Ethernet padding after the IP packet
  auto fragment = FrameBuilder().ipv4("192.0.2.1", "192.0.2.2", 17, 32, 0x2000)
                      .udp(1, 2055, 4).payload(4).build();
  auto tcp = FrameBuilder().ipv4("192.0.2.1", "192.0.2.2", 6, 40).tcp(1, 2, 2).build();
  auto short_ip = eth_v4;
  short_ip.resize(eth_v4.size() - 2);
  auto bad_udp = eth_v4;
  bad_udp[14 + 20 + 5] = 200;  // UDP length beyond the packet
  auto v6_frag = FrameBuilder().ipv6("2001:db8::1", "2001:db8::2", 44, 20)
                     .ipv6_extension(44, 17).udp(1, 2, 4).payload(4).build();
  auto arp = Bytes().zeros(12).u16(0x0806).zeros(28).data;

  const ViewCase cases[] = {
      {"Ethernet IPv4", LinkType::kEthernet, eth_v4, true, {}},
      {"Ethernet IPv6", LinkType::kEthernet, eth_v6, true, {}},
      {"QinQ", LinkType::kEthernet, vlan, true, {}},
      {"padding trimmed", LinkType::kEthernet, padded, true, {}},
      {"raw IPv4", LinkType::kRaw, ip_v4, true, {}},
      {"raw IPv6", LinkType::kRaw, ip_v6, true, {}},
      {"IPv4 link type", LinkType::kIpv4, ip_v4, true, {}},
      {"Linux cooked", LinkType::kLinuxSll,
       with_prefix(Bytes().zeros(14).u16(0x0800).data, ip_v4), true, {}},
      {"Linux cooked v2", LinkType::kLinuxSll2,
       with_prefix(Bytes().u16(0x86dd).zeros(18).data, ip_v6), true, {}},
      {"BSD loopback", LinkType::kNull, with_prefix({2, 0, 0, 0}, ip_v4), true, {}},
      {"OpenBSD loopback", LinkType::kLoop, with_prefix({0, 0, 0, 24}, ip_v6), true, {}},
      {"ARP", LinkType::kEthernet, arp, false, PacketCounter::not_ip},
      {"TCP", LinkType::kEthernet, tcp, false, PacketCounter::not_udp},
      {"IPv4 fragment", LinkType::kEthernet, fragment, false, PacketCounter::ip_fragment},
      {"IPv6 fragment", LinkType::kEthernet, v6_frag, true, {}},  // offset 0, no more: atomic
      {"IP truncated", LinkType::kEthernet, short_ip, false, PacketCounter::ip_truncated},
      {"UDP length", LinkType::kEthernet, bad_udp, false, PacketCounter::bad_udp_length},
      {"short Ethernet", LinkType::kEthernet, {1, 2, 3}, false,
       PacketCounter::truncated_link_header},
      {"empty raw", LinkType::kRaw, {}, false, PacketCounter::bad_ip_header},
  };
  for (const auto& c : cases) {
    PacketCounters counters;
    UdpDatagram d;
    const bool ok = parse_udp_datagram(c.link, c.frame.data(), c.frame.size(), d, counters);
    EXPECT_EQ(ok, c.ok) << c.description;
    if (c.ok && ok) {
      EXPECT_EQ(d.length, payload.size()) << c.description;
    }
    if (!c.ok) {
      EXPECT_EQ(counters.get(c.reason), 1u) << c.description;
    }
  }
}

TEST(PacketView, ReportsAddressesAndPorts) {
  const auto frame = testing::udp_frame("2001:db8::5", "2001:db8::6", 4321, 4739, {1, 2});
  PacketCounters counters;
  UdpDatagram d;
  ASSERT_TRUE(parse_udp_datagram(LinkType::kEthernet, frame.data(), frame.size(), d, counters));
  EXPECT_EQ(d.src.to_string(), "2001:db8::5");
  EXPECT_EQ(d.dst.to_string(), "2001:db8::6");
  EXPECT_EQ(d.src_port, 4321);
  EXPECT_EQ(d.dst_port, 4739);
  EXPECT_EQ(d.length, 2u);
  EXPECT_EQ(d.payload[0], 1);
}

}  // namespace
}  // namespace synwatch::wire
