#include "dataplane/decode/ie_table.h"

namespace synwatch::decode {
namespace {

enum class LengthRule : uint8_t { kUnsigned, kV4, kV6, kNtp, kBytes };

struct Element {
  FieldKind kind;
  LengthRule rule;
};

// IANA IPFIX information elements (also the NetFlow v9 field types below 128).
bool iana_element(uint16_t id, Element& e) {
  using K = FieldKind;
  using R = LengthRule;
  switch (id) {
    case 1: e = {K::kBytes, R::kUnsigned}; return true;              // octetDeltaCount
    case 2: e = {K::kPackets, R::kUnsigned}; return true;            // packetDeltaCount
    case 4: e = {K::kProto, R::kUnsigned}; return true;              // protocolIdentifier
    case 5: e = {K::kTos, R::kUnsigned}; return true;                // ipClassOfService
    case 6: e = {K::kTcpFlags, R::kUnsigned}; return true;           // tcpControlBits
    case 7: e = {K::kSrcPort, R::kUnsigned}; return true;            // sourceTransportPort
    case 8: e = {K::kSrcV4, R::kV4}; return true;                    // sourceIPv4Address
    case 10: e = {K::kInIf, R::kUnsigned}; return true;              // ingressInterface
    case 11: e = {K::kDstPort, R::kUnsigned}; return true;           // destinationTransportPort
    case 12: e = {K::kDstV4, R::kV4}; return true;                   // destinationIPv4Address
    case 14: e = {K::kOutIf, R::kUnsigned}; return true;             // egressInterface
    case 21: e = {K::kEndUptime, R::kUnsigned}; return true;         // flowEndSysUpTime
    case 22: e = {K::kStartUptime, R::kUnsigned}; return true;       // flowStartSysUpTime
    case 23: e = {K::kBytesPost, R::kUnsigned}; return true;         // postOctetDeltaCount
    case 24: e = {K::kPacketsPost, R::kUnsigned}; return true;       // postPacketDeltaCount
    case 27: e = {K::kSrcV6, R::kV6}; return true;                   // sourceIPv6Address
    case 28: e = {K::kDstV6, R::kV6}; return true;                   // destinationIPv6Address
    case 32: e = {K::kIcmpTypeCode, R::kUnsigned}; return true;      // icmpTypeCodeIPv4
    case 34: e = {K::kSamplingInterval, R::kUnsigned}; return true;  // samplingInterval
    case 48: e = {K::kSamplerId, R::kUnsigned}; return true;         // samplerId
    case 50: e = {K::kSamplerRandomInterval, R::kUnsigned}; return true;
    case 60: e = {K::kIpVersion, R::kUnsigned}; return true;         // ipVersion
    case 61: e = {K::kDirection, R::kUnsigned}; return true;         // flowDirection
    case 85: e = {K::kBytesTotal, R::kUnsigned}; return true;        // octetTotalCount
    case 86: e = {K::kPacketsTotal, R::kUnsigned}; return true;      // packetTotalCount
    case 139: e = {K::kIcmpTypeCode, R::kUnsigned}; return true;     // icmpTypeCodeIPv6
    case 150: e = {K::kStartSeconds, R::kUnsigned}; return true;     // flowStartSeconds
    case 151: e = {K::kEndSeconds, R::kUnsigned}; return true;
    case 152: e = {K::kStartMillis, R::kUnsigned}; return true;      // flowStartMilliseconds
    case 153: e = {K::kEndMillis, R::kUnsigned}; return true;
    case 154: e = {K::kStartMicrosNtp, R::kNtp}; return true;        // flowStartMicroseconds
    case 155: e = {K::kEndMicrosNtp, R::kNtp}; return true;
    case 156: e = {K::kStartNanosNtp, R::kNtp}; return true;         // flowStartNanoseconds
    case 157: e = {K::kEndNanosNtp, R::kNtp}; return true;
    case 158: e = {K::kStartDeltaMicros, R::kUnsigned}; return true; // flowStartDeltaMicroseconds
    case 159: e = {K::kEndDeltaMicros, R::kUnsigned}; return true;
    case 160: e = {K::kSystemInitMillis, R::kUnsigned}; return true; // systemInitTimeMilliseconds
    case 176: e = {K::kIcmpType, R::kUnsigned}; return true;         // icmpTypeIPv4
    case 177: e = {K::kIcmpCode, R::kUnsigned}; return true;
    case 178: e = {K::kIcmpType, R::kUnsigned}; return true;         // icmpTypeIPv6
    case 179: e = {K::kIcmpCode, R::kUnsigned}; return true;
    case 231: e = {K::kInitiatorBytes, R::kUnsigned}; return true;   // initiatorOctets (NSEL)
    case 232: e = {K::kResponderBytes, R::kUnsigned}; return true;   // responderOctets (NSEL)
    case 233: e = {K::kFirewallEvent, R::kUnsigned}; return true;    // firewallEvent (NSEL)
    case 298: e = {K::kInitiatorPackets, R::kUnsigned}; return true; // initiatorPackets
    case 299: e = {K::kResponderPackets, R::kUnsigned}; return true; // responderPackets
    case 302: e = {K::kSelectorId, R::kUnsigned}; return true;       // selectorId
    case 305: e = {K::kPacketInterval, R::kUnsigned}; return true;   // samplingPacketInterval
    case 306: e = {K::kPacketSpace, R::kUnsigned}; return true;      // samplingPacketSpace
    case 309: e = {K::kSamplingSize, R::kUnsigned}; return true;     // samplingSize
    case 310: e = {K::kSamplingPopulation, R::kUnsigned}; return true;
    case 82: e = {K::kInterfaceName, R::kBytes}; return true;         // interfaceName
    case 83: e = {K::kInterfaceDescription, R::kBytes}; return true;  // interfaceDescription
    case 96: e = {K::kApplicationName, R::kBytes}; return true;       // applicationName
    case 313: e = {K::kIpHeaderSection, R::kBytes}; return true;      // ipHeaderPacketSection
    case 314: e = {K::kIpPayloadSection, R::kBytes}; return true;     // ipPayloadPacketSection
    case 315: e = {K::kDataLinkSection, R::kBytes}; return true;      // dataLinkFrameSection
    case 460: e = {K::kHttpHost, R::kBytes}; return true;             // httpRequestHost
    case 461: e = {K::kHttpUrl, R::kBytes}; return true;              // httpRequestTarget
    case 468: e = {K::kHttpUserAgent, R::kBytes}; return true;        // httpUserAgent
    case 322: e = {K::kObservationSeconds, R::kUnsigned}; return true;
    case 323: e = {K::kObservationMillis, R::kUnsigned}; return true;
    default: return false;
  }
}

// RFC 5103: the reverse direction of a bi-flow, IANA ids under PEN 29305.
bool reverse_element(uint16_t id, Element& e) {
  using K = FieldKind;
  switch (id) {
    case 1: e = {K::kRevBytes, LengthRule::kUnsigned}; return true;
    case 2: e = {K::kRevPackets, LengthRule::kUnsigned}; return true;
    case 6: e = {K::kRevTcpFlags, LengthRule::kUnsigned}; return true;
    case 85: e = {K::kRevBytesTotal, LengthRule::kUnsigned}; return true;
    case 86: e = {K::kRevPacketsTotal, LengthRule::kUnsigned}; return true;
    default: return false;
  }
}

bool length_fits(LengthRule rule, uint16_t length) {
  switch (rule) {
    case LengthRule::kUnsigned: return length >= 1 && length <= 8;
    case LengthRule::kV4: return length == 4;
    case LengthRule::kV6: return length == 16;
    case LengthRule::kNtp: return length == 8;
    case LengthRule::kBytes: return length >= 1;  // any, variable-length included
  }
  return false;
}

}  // namespace

FieldClass classify_field(const FieldSpec& spec, bool netflow_v9, FieldKind& kind) {
  Element e{};
  bool known;
  if (netflow_v9) {
    // NSEL (Cisco ASA): NF_F_FW_EVENT before ASA 8.4 used 40005; 33002 is the extended
    // event, which carries nothing synwatch uses.
    known = spec.id == 40005 ? (e = {FieldKind::kFirewallEvent, LengthRule::kUnsigned}, true)
                             : iana_element(spec.id, e);
  } else if (!spec.enterprise) {
    known = iana_element(spec.id, e);
  } else if (spec.pen == kReversePen) {
    known = reverse_element(spec.id, e);
  } else {
    known = false;
  }
  if (!known) {
    kind = FieldKind::kSkip;
    return FieldClass::kUnknown;
  }
  if (!length_fits(e.rule, spec.length)) {
    kind = FieldKind::kSkip;
    return FieldClass::kBadLength;
  }
  kind = e.kind;
  return FieldClass::kKnown;
}

FieldClass classify_v9_scope(const FieldSpec& spec, FieldKind& kind) {
  constexpr uint16_t kInterfaceScope = 2;
  kind = FieldKind::kSkip;
  if (spec.id != kInterfaceScope) return FieldClass::kUnknown;
  if (!length_fits(LengthRule::kUnsigned, spec.length)) return FieldClass::kBadLength;
  kind = FieldKind::kInIf;
  return FieldClass::kKnown;
}

}  // namespace synwatch::decode
