// libFuzzer target: the dataplane's IPFIX decoder against ReferenceIpfix, a second decoder
// written for the tests (tests/reference). The input is a run of IPFIX messages, each
// ending where its header's length says; a length that does not fit makes the rest one
// last message. Both decoders see every message in order, so templates, withdrawals and
// options data carry from one message to the next; after each message they must have
// emitted the same records, field for field. The observation domain is cut to 0..3 so
// the decoder's per-exporter domain slots never bind.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "tests/reference/ipfix_agreement.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace synwatch;
  reference::ReferenceLimits limits;
  // Small tables, made anew for every input: a longer input that defines more templates
  // is out of the comparison's scope from that point.
  limits.templates = 256;
  limits.exporters = 1;
  reference::IpfixAgreement agreement(limits);
  const auto exporter = wire::IpAddress::v4(0xc0000201u);  // 192.0.2.1
  const int64_t receive_ms = 1'700'000'000'000;
  size_t at = 0;
  std::vector<uint8_t> message;
  while (size - at >= 4 && !agreement.beyond_scope()) {
    size_t length = size_t{data[at + 2]} << 8 | data[at + 3];
    if (length < 16 || length > size - at) length = size - at;
    message.assign(data + at, data + at + length);
    at += length;
    message[0] = 0;
    message[1] = 10;
    if (message.size() >= 16) {
      message[12] = message[13] = message[14] = 0;
      message[15] &= 3;
    }
    const std::string difference = agreement.feed(message.data(), message.size(), exporter, receive_ms);
    if (!difference.empty()) {
      std::fprintf(stderr, "ipfix differential: %s\n", difference.c_str());
      std::abort();
    }
  }
  return 0;
}
