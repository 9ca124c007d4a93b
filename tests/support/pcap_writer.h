// Writes Ethernet frames to a pcap file, for tests that build the capture a daemon
// replays through DPDK's net_pcap.
#pragma once

#include <pcap/pcap.h>

#include <cstdint>
#include <filesystem>
#include <vector>

namespace synwatch::testing {

class PcapWriter {
 public:
  // `snaplen`: the largest frame the file says it holds (readers refuse bigger ones).
  explicit PcapWriter(const std::filesystem::path& path, int snaplen = 262144)
      : dead_(pcap_open_dead(DLT_EN10MB, snaplen)), dump_(pcap_dump_open(dead_, path.c_str())) {}
  ~PcapWriter() {
    pcap_dump_close(dump_);
    pcap_close(dead_);
  }
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  void write(const std::vector<uint8_t>& frame, int64_t ms) {
    pcap_pkthdr h{};
    h.ts.tv_sec = ms / 1000;
    h.ts.tv_usec = static_cast<suseconds_t>(ms % 1000 * 1000);
    h.caplen = h.len = static_cast<bpf_u_int32>(frame.size());
    pcap_dump(reinterpret_cast<u_char*>(dump_), &h, frame.data());
  }

 private:
  pcap_t* dead_;
  pcap_dumper_t* dump_;
};

}  // namespace synwatch::testing
