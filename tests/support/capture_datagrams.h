// The export datagrams of a capture file, with where and when each arrived, for tests
// that feed decoders or workers directly.
#pragma once

#include <filesystem>
#include <vector>

#include "dataplane/decode/flow_record.h"

namespace synwatch::testing {

struct CapturedDatagram {
  decode::ExportContext ctx;  // exporter address, capture time
  std::vector<uint8_t> payload;
};

std::vector<CapturedDatagram> read_datagrams(const std::filesystem::path& capture);

}  // namespace synwatch::testing
