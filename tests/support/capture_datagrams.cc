#include "tests/support/capture_datagrams.h"

#include "dataplane/replay/capture_reader.h"
#include "dataplane/wire/packet_view.h"

namespace synwatch::testing {

std::vector<CapturedDatagram> read_datagrams(const std::filesystem::path& capture) {
  std::vector<CapturedDatagram> out;
  std::string error;
  auto reader = replay::CaptureReader::open(capture.string(), error);
  if (!reader) return out;
  replay::CapturedFrame frame;
  wire::PacketCounters counters;
  while (reader->next(frame) == replay::CaptureReader::Next::kFrame) {
    wire::UdpDatagram d;
    if (wire::parse_udp_datagram(static_cast<wire::LinkType>(reader->link_type()), frame.data,
                                 frame.captured, d, counters))
      out.push_back({{d.src, frame.time_ns / 1000000}, {d.payload, d.payload + d.length}});
  }
  return out;
}

}  // namespace synwatch::testing
