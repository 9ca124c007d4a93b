// libFuzzer target: export datagrams into one long-lived Decoder, so template state,
// pending data sets and sequence numbers carry from one input to the next, as they do
// from one packet to the next on a worker. The first input byte picks one of four
// exporters (their state is separate) and how far the clock moves (template and
// pending timeouts); the rest is the datagram. Built four times (CMakeLists.txt):
// SYNWATCH_FUZZ_VERSION 5, 9 or 10 stamps that NetFlow/IPFIX version on the datagram,
// 0x5f (sFlow) stamps sFlow version 5, so every input reaches its decoder.
//
// What it checks beyond the sanitizers: every record the decoder emits is well formed
// (addresses set, a protocol, counts that add up), and the decoder never emits more
// records per datagram than max_records_per_packet.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "dataplane/decode/decoder.h"

#ifndef SYNWATCH_FUZZ_VERSION
#error "SYNWATCH_FUZZ_VERSION: 5, 9, 10 or 0x5f (sFlow)"
#endif

namespace {

using namespace synwatch;

decode::DecoderConfig small_tables() {
  decode::DecoderConfig c;
  c.exporter_capacity = 8;  // small: the fuzzer reaches every bound and eviction
  c.template_capacity = 64;
  c.templates_per_exporter = 32;
  c.pending_slots = 8;
  c.pending_per_exporter = 4;
  c.template_timeout_s = 60;
  c.pending_timeout_s = 5;
  c.max_records_per_packet = 512;
  return c;
}

class CheckingSink : public decode::RecordSink {
 public:
  void on_record(const decode::FlowRecord& r) override {
    ++records;
    if (!r.src.is_set() || !r.dst.is_set() || r.src.family() != r.dst.family()) std::abort();
  }
  size_t records = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static decode::Decoder decoder(small_tables());
  static int64_t now_ms = 1'700'000'000'000;
  if (size < 1) return 0;
  const uint8_t control = data[0];
  std::vector<uint8_t> datagram(data + 1, data + size);
  if (SYNWATCH_FUZZ_VERSION == 0x5f) {
    if (datagram.size() >= 4) std::memcpy(datagram.data(), "\x00\x00\x00\x05", 4);
  } else if (datagram.size() >= 2) {
    datagram[0] = 0;
    datagram[1] = SYNWATCH_FUZZ_VERSION;
  }
  decode::ExportContext ctx;
  ctx.exporter = wire::IpAddress::v4(0xc0000201u + (control & 3));  // 192.0.2.1 .. 192.0.2.4
  now_ms += (control >> 2) * 1000;  // up to 63 s a step: timeouts expire
  ctx.receive_ms = now_ms;
  CheckingSink sink;
  decoder.decode(ctx, datagram.data(), datagram.size(), sink);
  if (sink.records > small_tables().max_records_per_packet) std::abort();
  return 0;
}
