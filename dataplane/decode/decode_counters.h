// Every reason a decoder drops or remarks on input, one list per decoder, each entry
// with its help text. Counted per exporter and summed when read.
#pragma once

#include "dataplane/wire/counter_list.h"

namespace synwatch::decode {

#define SYNWATCH_COMMON_DECODE_COUNTERS(X)                                                       \
  X(unknown_export_version, kDrop, "payload is not NetFlow v5/v9, IPFIX or sFlow v5")            \
  X(sequence_reset, kEvent, "export sequence number went backwards: exporter restart or reordering") \
  X(exporter_table_full, kEvent, "exporter table at capacity: the longest-idle exporter's state was recycled") \
  X(domain_slots_full, kEvent, "exporter has more observation domains than tracked: the longest-idle one was recycled") \
  X(export_clock_ahead, kEvent, "export time leapt ahead of the exporter's clock: records kept at that clock until the jump is confirmed") \
  X(export_clock_jump, kEvent, "exporter's clock jump confirmed by consecutive packets: its new time taken")

#define SYNWATCH_V5_DECODE_COUNTERS(X)                                                           \
  X(v5_truncated_header, kDrop, "NetFlow v5 packet shorter than its 24-byte header")             \
  X(v5_bad_count, kDrop, "NetFlow v5 record count is 0 or above 30")                              \
  X(v5_short_packet, kDrop, "NetFlow v5 packet ends before its last record: the missing records are lost") \
  X(v5_records_lost, kLoss, "NetFlow v5 records the exporter sent that never arrived (flow sequence gap)")

#define SYNWATCH_TEMPLATED_DECODE_COUNTERS(X)                                                    \
  X(v9_truncated_header, kDrop, "NetFlow v9 packet shorter than its 20-byte header")             \
  X(v9_fewer_records_than_count, kDrop, "NetFlow v9 packet holds fewer records than its header count: cut short in transit") \
  X(v9_packets_lost, kLoss, "NetFlow v9 export packets that never arrived (package sequence gap)") \
  X(ipfix_truncated_header, kDrop, "IPFIX message shorter than its 16-byte header")               \
  X(ipfix_bad_length, kDrop, "IPFIX message length field disagrees with the datagram")            \
  X(ipfix_records_lost, kLoss, "IPFIX data records that never arrived (sequence gap)")            \
  X(set_truncated, kDrop, "set length below 4 or past the end of the packet: rest of packet dropped") \
  X(set_id_reserved, kDrop, "set uses a reserved id: set skipped")                                \
  X(template_malformed, kDrop, "template record truncated, with no fields where fields are required, or whose records would be empty") \
  X(template_too_many_fields, kDrop, "template has more fields than the decoder tracks (limit 64 after merging skipped fields)") \
  X(template_bad_field_length, kEvent, "a known field had an impossible length and was skipped as unknown") \
  X(template_learned, kEvent, "template learned for the first time")                              \
  X(template_replaced, kEvent, "template id redefined with different fields")                    \
  X(template_withdrawn, kEvent, "IPFIX template withdrawn by the exporter")                       \
  X(template_expired, kEvent, "template not refreshed within the template timeout and forgotten") \
  X(template_table_full, kEvent, "template table at capacity: the least recently refreshed template was evicted") \
  X(template_exporter_limit, kDrop, "exporter already holds its maximum number of templates: new template refused") \
  X(data_set_pending, kEvent, "data set arrived before its template and was held")               \
  X(pending_decoded, kEvent, "held data set decoded once its template arrived")                   \
  X(pending_expired, kDrop, "held data set's template never arrived within the pending timeout") \
  X(pending_evicted, kDrop, "held data set evicted to make room for a newer one")                 \
  X(pending_too_large, kDrop, "data set without template too large to hold")                      \
  X(pending_exporter_limit, kDrop, "exporter already holds its maximum number of pending data sets") \
  X(record_truncated, kDrop, "data record (variable-length field) runs past the end of its set: rest of set dropped") \
  X(record_limit, kDrop, "more records in one packet than the per-packet limit")                  \
  X(record_not_a_flow, kDrop, "data record has no source or destination address")                \
  X(options_record, kEvent, "options data record applied (sampling, system init time, interface names)") \
  X(interface_named, kEvent, "options data named an interface (interfaceName, interfaceDescription)") \
  X(interface_table_full, kEvent, "interface table at capacity: the least recently named interface was forgotten") \
  X(interface_exporter_limit, kDrop, "exporter already names its maximum number of interfaces: new interface refused") \
  X(sampling_table_full, kEvent, "more samplers per domain than tracked: the oldest was replaced") \
  X(time_base_unknown, kEvent, "sysUpTime-relative times before the system init time is known: export time used")

#define SYNWATCH_SFLOW_DECODE_COUNTERS(X)                                                        \
  X(sflow_truncated_header, kDrop, "sFlow datagram shorter than its header")                     \
  X(sflow_bad_agent_type, kDrop, "sFlow agent address type is neither IPv4 nor IPv6")             \
  X(sflow_datagrams_lost, kLoss, "sFlow datagrams that never arrived (datagram sequence gap)")     \
  X(sflow_sample_truncated, kDrop, "sample length past the end of the datagram: rest of datagram dropped") \
  X(sflow_sample_limit, kDrop, "more samples or records than the per-datagram limit")            \
  X(sflow_record_truncated, kDrop, "flow record length past the end of its sample: rest of sample dropped") \
  X(sflow_counter_sample_skipped, kEvent, "counter sample skipped by its length")                 \
  X(sflow_other_sample_skipped, kEvent, "sample of an unknown or enterprise format skipped by its length") \
  X(sflow_other_record_skipped, kEvent, "flow record other than raw header or IPv4/IPv6 data skipped by its length") \
  X(sflow_header_protocol_unsupported, kDrop, "sampled header is not Ethernet, IPv4 or IPv6")      \
  X(sflow_header_not_ip, kEvent, "sampled packet is not IP (ARP, LLDP, ...): skipped")                       \
  X(sflow_header_bad_ip, kDrop, "sampled packet's IP header is truncated or inconsistent")        \
  X(sflow_header_no_ports, kEvent, "sampled header ends before the transport header: ports and flags unknown") \
  X(sflow_sample_without_packet, kDrop, "flow sample carries no raw header or IPv4/IPv6 data record")

#define SYNWATCH_DECODE_COUNTERS(X) \
  SYNWATCH_COMMON_DECODE_COUNTERS(X) \
  SYNWATCH_V5_DECODE_COUNTERS(X)     \
  SYNWATCH_TEMPLATED_DECODE_COUNTERS(X) \
  SYNWATCH_SFLOW_DECODE_COUNTERS(X)

SYNWATCH_DEFINE_COUNTERS(DecodeCounter, SYNWATCH_DECODE_COUNTERS)
using DecodeCounters = wire::CounterArray<DecodeCounter, kDecodeCounterCount>;

}  // namespace synwatch::decode
