// libFuzzer target: the gRPC API's request translation. Arbitrary bytes are parsed as
// the wire form of a request (the first byte picks which) and translated into
// synwatch's own types as the services do (proto_convert.h). Beyond the sanitizers: a
// translation either succeeds or names the field it refuses ("field: reason").
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "control/api/proto_convert.h"

namespace {

using namespace synwatch;

void named(const std::string& problem) {
  if (!problem.empty() && problem.find(": ") == std::string::npos) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const char* wire = reinterpret_cast<const char*>(data + 1);
  const int length = static_cast<int>(size - 1);
  switch (data[0] % 4) {
    case 0: {
      v1::ListAlertsRequest r;
      control::AlertQuery q;
      if (r.ParseFromArray(wire, length)) named(control::from_proto(r.filter(), q));
      break;
    }
    case 1: {
      v1::TopFailedRequest r;
      control::TopQuery q;
      if (r.ParseFromArray(wire, length)) named(control::from_proto(r, q));
      break;
    }
    case 2: {
      v1::ResetDetectorRequest r;
      detect::PartitionFilter f;
      if (r.ParseFromArray(wire, length)) named(control::from_proto(r.filter(), f));
      break;
    }
    default: {
      v1::LookupSessionsRequest r;
      wire::IpAddress a;
      if (r.ParseFromArray(wire, length)) named(control::address_from_proto(r.address(), "address", a));
      break;
    }
  }
  return 0;
}
