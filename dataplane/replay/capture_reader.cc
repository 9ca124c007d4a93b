#include "dataplane/replay/capture_reader.h"

#include <pcap/pcap.h>

namespace synwatch::replay {

std::unique_ptr<CaptureReader> CaptureReader::open(const std::string& path, std::string& error) {
  char errbuf[PCAP_ERRBUF_SIZE] = {};
  pcap_t* handle =
      pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
  if (handle == nullptr) {
    error = errbuf;
    return nullptr;
  }
  return std::unique_ptr<CaptureReader>(new CaptureReader(handle));
}

CaptureReader::CaptureReader(pcap* handle)
    : handle_(handle), link_type_(pcap_datalink(handle)) {}

CaptureReader::~CaptureReader() { pcap_close(handle_); }

CaptureReader::Next CaptureReader::next(CapturedFrame& frame) {
  pcap_pkthdr* header;
  const u_char* data;
  switch (pcap_next_ex(handle_, &header, &data)) {
    case 1:
      frame.data = data;
      frame.captured = header->caplen;
      frame.wire = header->len;
      // With nanosecond precision requested, tv_usec holds nanoseconds.
      frame.time_ns = int64_t{header->ts.tv_sec} * 1000000000 + header->ts.tv_usec;
      return Next::kFrame;
    case PCAP_ERROR_BREAK:
      return Next::kEnd;
    default:
      error_ = pcap_geterr(handle_);
      return Next::kError;
  }
}

}  // namespace synwatch::replay
