// InterfaceTable: the interfaces exporters have named in options data, with the role
// the rules in force give each. One per decoder (per core); bounded: at capacity the
// least recently refreshed interface makes room.
//
// Roles are told lazily: a rule set swapped in (a reload) marks every role stale, and
// each interface is told again when a record next passes through it, so a reload costs
// the packet path no pause.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

#include "dataplane/decode/flow_record.h"
#include "dataplane/decode/interface_role.h"
#include "dataplane/table/bounded_map.h"

namespace synwatch::decode {

// Longest name or description kept (SNMP's ifAlias is at most 64 octets); longer ones
// are cut, and rules see the cut text.
inline constexpr size_t kMaxInterfaceText = 64;

// What one options record says of an interface; a part it leaves out keeps what an
// earlier record said (some exporters send names and descriptions in separate records).
struct InterfaceNaming {
  std::string_view name;
  std::string_view description;
  bool has_name = false;
  bool has_description = false;
};

class InterfaceTable {
 public:
  explicit InterfaceTable(uint32_t capacity);

  // The classifier of the worker that owns this table (null: no roles).
  void use_classifier(InterfaceClassifier* classifier) { classifier_ = classifier; }

  // Learns or refreshes interface `index` (not 0) of `exporter`. `added`: it was new; if
  // another interface was evicted to make room, `evicted` names its exporter.
  struct Learned {
    bool added = false;
    bool evicted = false;
    IpAddress evicted_exporter;
  };
  Learned learn(const IpAddress& exporter, uint32_t index, const InterfaceNaming& naming,
                int64_t now_ms);
  bool contains(const IpAddress& exporter, uint32_t index) const {
    return map_.find(Key{exporter, index}) != nullptr;
  }

  // Sets the roles of `r`'s source (its ingress interface) and destination (egress).
  void mark(FlowRecord& r) {
    if (map_.size() == 0 || !telling()) return;
    const uint32_t generation = classifier_->generation();  // once for both interfaces
    r.src_role = static_cast<uint8_t>(role_at(r.exporter, r.in_if, generation)) & 3u;
    r.dst_role = static_cast<uint8_t>(role_at(r.exporter, r.out_if, generation)) & 3u;
  }

  // How many interfaces have each role under the rules in force (kUnknown: no interface
  // rules), telling stale roles on the way. For the worker's stats, off the record path.
  std::array<uint32_t, 3> count_roles();

  uint32_t size() const { return map_.size(); }
  uint32_t capacity() const { return map_.capacity(); }

  struct Key {
    IpAddress exporter;
    uint32_t index = 0;
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct Entry {
    std::array<char, kMaxInterfaceText> name{};
    std::array<char, kMaxInterfaceText> description{};
    uint8_t name_size = 0;
    uint8_t description_size = 0;
    InterfaceRole role = InterfaceRole::kUnknown;
    uint32_t generation = 0;  // of the classifier that told `role`; 0: never told
    int64_t refreshed_ms = 0;
    std::string_view name_text() const { return {name.data(), name_size}; }
    std::string_view description_text() const { return {description.data(), description_size}; }
  };

 private:
  // Roles are told only with a classifier whose rules look at interfaces.
  bool telling() const { return classifier_ != nullptr && classifier_->classifies_interfaces(); }
  // The role of interface `index` of `exporter` under the rules of `generation`, told
  // again if it was told under others; kUnknown when it was never named.
  InterfaceRole role_at(const IpAddress& exporter, uint32_t index, uint32_t generation);

  struct KeyHash {
    uint64_t operator()(const Key& k) const {
      return k.exporter.hash() ^ (uint64_t{k.index} * 0x9e3779b97f4a7c15ULL);
    }
  };
  table::BoundedMap<Key, Entry, KeyHash> map_;
  InterfaceClassifier* classifier_ = nullptr;
};

}  // namespace synwatch::decode
