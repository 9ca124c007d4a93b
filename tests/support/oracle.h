// The tshark oracles: one JSON object per decoded record (DESIGN.md section 7), read
// from oracle-*.jsonl.gz and normalized to what synwatch promises to reproduce.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace synwatch::testing {

// The fields the decoders must agree on, as comparable values.
struct ExpectedRecord {
  std::string version;
  std::string src;
  std::string dst;
  uint64_t sport = 0;
  uint64_t dport = 0;
  uint64_t proto = 0;
  uint64_t tcp_flags = 0;
  uint64_t packets = 0;
  uint64_t bytes = 0;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  uint64_t sampling = 1;
  int64_t frame = 0;  // export packet number, for messages
  // The shared oracles give an sFlow sample's IPv6 'proto' as the fixed header's next
  // header; when that is an extension header (MLD behind hop-by-hop, say) the
  // upper-layer protocol synwatch reports is not stated and not compared.
  bool proto_unstated = false;

  friend bool operator==(const ExpectedRecord& a, const ExpectedRecord& b);
  std::string describe() const;
};

// Flow records and IP-carrying sFlow samples, in file order. Absent fields read as
// synwatch writes them: ports and flags 0, sampling 1; times are floored to whole
// milliseconds (v5 exports carry nanoseconds), sFlow samples take the datagram's time.
std::vector<ExpectedRecord> load_oracle(const std::filesystem::path& path, std::string& error);

}  // namespace synwatch::testing
