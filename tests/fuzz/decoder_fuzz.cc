// libFuzzer target: export datagrams into one long-lived Decoder, so template state,
// pending data sets and sequence numbers carry from one input to the next, as they do
// from one packet to the next on a worker. The first input byte picks one of four
// exporters (their state is separate) and how far the clock moves (template and
// pending timeouts); the rest is the datagram. Built four times (CMakeLists.txt):
// SYNWATCH_FUZZ_VERSION 5, 9 or 10 stamps that NetFlow/IPFIX version on the datagram,
// 0x5f (sFlow) stamps sFlow version 5, so every input reaches its decoder.
//
// What it checks beyond the sanitizers: every record the decoder emits is well formed
// (addresses set, a protocol, counts that add up, interface roles in range), the decoder
// never emits more records per datagram than max_records_per_packet, and interface
// names reach the classifier cut to their bound. The classifier's rules "change" with
// the clock, so roles are told again as a reload makes them.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string_view>
#include <vector>

#include "dataplane/decode/decoder.h"
#include "dataplane/decode/interface_table.h"

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
  c.interface_capacity = 8;
  c.interfaces_per_exporter = 4;  // four exporters, eight slots: limits and evictions
  return c;
}

// Roles from the texts' first bytes; a new generation every few inputs.
class StubClassifier : public decode::InterfaceClassifier {
 public:
  bool classifies_interfaces() const override { return true; }
  uint32_t generation() const override { return generation_; }
  decode::InterfaceRole classify(std::string_view name, std::string_view description) override {
    if (name.size() > decode::kMaxInterfaceText || description.size() > decode::kMaxInterfaceText)
      std::abort();
    const unsigned first = name.empty() ? 0u : static_cast<uint8_t>(name[0]);
    return static_cast<decode::InterfaceRole>(first % 3);
  }
  uint32_t generation_ = 1;
};

class CheckingSink : public decode::RecordSink {
 public:
  void on_record(const decode::FlowRecord& r) override {
    ++records;
    if (!r.src.is_set() || !r.dst.is_set() || r.src.family() != r.dst.family()) std::abort();
    if (r.src_role > 2 || r.dst_role > 2) std::abort();
  }
  size_t records = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static decode::Decoder decoder(small_tables());
  static StubClassifier classifier;
  decoder.use_interface_classifier(&classifier);
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
  if ((control >> 2) == 63) ++classifier.generation_;  // a reload
  ctx.receive_ms = now_ms;
  CheckingSink sink;
  decoder.decode(ctx, datagram.data(), datagram.size(), sink);
  if (sink.records > small_tables().max_records_per_packet) std::abort();
  return 0;
}
