// Where the tests find capture files: the shared real-exporter captures beside the
// checkout (absent in a user's clone: tests that need them skip and say so), and the
// captures bundled in tests/captures/ (always present).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace synwatch::testing {

std::filesystem::path source_dir();
// ../shared/testdata/flows, or $SYNWATCH_SHARED_FLOWS; empty when absent.
std::filesystem::path shared_flows_dir();
std::filesystem::path bundled_captures_dir();

// Every exports-*.pcap below `dir` that has an oracle-*.jsonl.gz beside it, sorted.
std::vector<std::filesystem::path> export_captures_in(const std::filesystem::path& dir);

// The oracle file that goes with an exports-NAME.pcap.
std::filesystem::path oracle_for(const std::filesystem::path& capture);

}  // namespace synwatch::testing
