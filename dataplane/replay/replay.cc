#include "dataplane/replay/replay.h"

#include "dataplane/replay/capture_reader.h"

namespace synwatch::replay {
namespace {

// Counts records per version on their way to the caller's sink.
class CountingSink : public decode::RecordSink {
 public:
  CountingSink(decode::RecordSink& next, ReplayStats& stats) : next_(next), stats_(stats) {}
  void on_record(const decode::FlowRecord& r) override {
    ++stats_.records;
    ++stats_.records_by_version[static_cast<size_t>(r.version)];
    next_.on_record(r);
  }
  void on_record_with_spans(const decode::FlowRecord& r, const decode::RecordSpans& spans) override {
    ++stats_.records;
    ++stats_.records_by_version[static_cast<size_t>(r.version)];
    next_.on_record_with_spans(r, spans);
  }

 private:
  decode::RecordSink& next_;
  ReplayStats& stats_;
};

}  // namespace

bool Replay::run_file(const std::string& path, decode::RecordSink& sink, std::string& error) {
  auto reader = CaptureReader::open(path, error);
  if (!reader) return false;
  if (!wire::link_type_supported(reader->link_type())) {
    error = "unsupported link type " + std::to_string(reader->link_type()) +
            " (supported: Ethernet, Linux cooked v1/v2, loopback, raw IP)";
    return false;
  }
  ++stats_.files;
  const auto link = static_cast<wire::LinkType>(reader->link_type());
  CountingSink counting(sink, stats_);
  CapturedFrame frame;
  for (;;) {
    switch (reader->next(frame)) {
      case CaptureReader::Next::kEnd:
        return true;
      case CaptureReader::Next::kError:
        error = reader->error();
        return false;
      case CaptureReader::Next::kFrame:
        break;
    }
    ++stats_.frames;
    wire::UdpDatagram dgram;
    if (!wire::parse_udp_datagram(link, frame.data, frame.captured, dgram,
                                  stats_.packet_counters))
      continue;
    ++stats_.datagrams;
    const decode::ExportContext ctx{dgram.src, frame.time_ns / 1000000};
    decoder_.decode(ctx, dgram.payload, dgram.length, counting);
  }
}

}  // namespace synwatch::replay
