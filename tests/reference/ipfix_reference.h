// ReferenceIpfix: a second IPFIX decoder, written for the tests from RFC 7011 and
// RFC 5103, to check the dataplane's decoder against (tests/reference/ipfix_agreement.h).
//
// It is built to be obviously right, not fast: templates are vectors of field
// specifiers in a std::map, each record is read into a map of named values, and every
// rule is spelled out where it is used. It follows the product's documented policy for
// what the RFCs leave open (docs/exporters.md): which of several counters or times
// wins, the time base of uptime fields, where the sampling rate comes from. It knows no
// table bounds: `beyond_scope()` says when an input went past what it models (more
// fields in a template, templates or samplers than the decoder under test is built to
// hold), and a comparison stops there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataplane/decode/flow_record.h"

namespace synwatch::reference {

struct ReferenceLimits {
  size_t fields_per_template = 64;  // the decoder's compiled-operation budget never binds below this
  size_t templates = 1024;
  size_t samplers_per_domain = 8;
  size_t exporters = 64;  // IpfixAgreement: exporters the decoder under test tracks
};

class ReferenceIpfix {
 public:
  explicit ReferenceIpfix(ReferenceLimits limits = {}) : limits_(limits) {}

  // Decodes one IPFIX message from `exporter`; appends its flow records to `out`.
  void decode(const uint8_t* data, size_t size, const wire::IpAddress& exporter,
              std::vector<decode::FlowRecord>& out);

  bool beyond_scope() const { return !beyond_.empty(); }
  const std::string& beyond_reason() const { return beyond_; }

 private:
  struct FieldSpecifier {
    uint16_t id = 0;
    uint16_t length = 0;  // 65535: variable length
    uint32_t enterprise = 0;
    bool enterprise_bit = false;
  };
  struct Template {
    bool options = false;
    std::vector<FieldSpecifier> fields;
    size_t shortest_record = 0;  // fixed lengths, one byte per variable-length field
  };
  struct Domain {
    int64_t system_init_ms = -1;
    uint32_t default_sampling = 0;
    std::map<uint64_t, uint32_t> samplers;
  };
  // Values by element name; setting a name again replaces its value.
  template <typename T>
  class Named {
   public:
    void set(std::string_view name, const T& value) {
      for (auto& [n, v] : items_) {
        if (n == name) {
          v = value;
          return;
        }
      }
      items_.emplace_back(name, value);
    }
    size_t count(std::string_view name) const { return find(name) != nullptr ? 1 : 0; }
    T at(std::string_view name) const {  // the value, or T{} when absent
      const T* v = find(name);
      return v != nullptr ? *v : T{};
    }

   private:
    const T* find(std::string_view name) const {
      for (const auto& [n, v] : items_)
        if (n == name) return &v;
      return nullptr;
    }
    std::vector<std::pair<std::string_view, T>> items_;
  };
  // One record's values: unsigned elements and addresses.
  struct Values {
    Named<uint64_t> numbers;
    Named<wire::IpAddress> addresses;
    bool has(std::string_view name) const { return numbers.count(name) != 0; }
  };

  void template_set(uint32_t domain, uint16_t set_id, const uint8_t* p, size_t size);
  void data_set(uint32_t domain, int64_t export_ms, const Template& t, const uint8_t* p,
                size_t size, const wire::IpAddress& exporter, std::vector<decode::FlowRecord>& out);
  static bool read_record(const Template& t, const uint8_t* p, size_t size, size_t& at,
                          Values& values);
  void apply_options(Domain& d, const Values& v);
  bool flow_record(const Values& v, const Domain& d, int64_t export_ms,
                   decode::FlowRecord& r) const;
  static uint32_t announced_sampling(const Values& v);

  ReferenceLimits limits_;
  std::map<std::pair<uint32_t, uint16_t>, Template> templates_;  // (domain, template id)
  std::map<uint32_t, Domain> domains_;
  std::string beyond_;
};

}  // namespace synwatch::reference
