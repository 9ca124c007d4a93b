// Template cache: NetFlow v9 / IPFIX templates compiled into short lists of field
// operations, keyed by (exporter address, observation domain, template id, version) and
// never by source port. Bounded: a fixed number of templates per core.
#pragma once

#include <array>
#include <cstdint>

#include "dataplane/table/bounded_map.h"
#include "dataplane/decode/decode_counters.h"
#include "dataplane/decode/flow_record.h"
#include "dataplane/decode/ie_table.h"

namespace synwatch::decode {

// Consecutive fields synwatch does not read are merged into one skip, so a wide template
// of mostly unknown fields still compiles to a few operations.
inline constexpr size_t kMaxTemplateOps = 64;

struct FieldOp {
  uint16_t length = 0;  // kVariableLength: RFC 7011 variable-length encoding
  FieldKind kind = FieldKind::kSkip;
};

// A field synwatch reads, where it sits in a record of a template without
// variable-length fields: such records are read at fixed offsets, in one pass.
struct ValueOp {
  uint16_t offset = 0;
  uint16_t length = 0;  // 1..8, 16 (IPv6 addresses), any for byte kinds: classify_field checked it
  FieldKind kind = FieldKind::kSkip;
};

struct Template {
  std::array<FieldOp, kMaxTemplateOps> ops{};
  uint16_t op_count = 0;
  bool options = false;
  uint32_t min_record_length = 0;  // fixed lengths plus one byte per variable-length field
  bool variable_length = false;    // a field has RFC 7011 variable-length encoding
  std::array<ValueOp, kMaxTemplateOps> values{};  // the ops that are not skips
  uint16_t value_count = 0;
  uint64_t present = 0;  // the kinds of `values`, as FieldValues::present
  uint64_t fingerprint = 0;        // tells a refresh (same fields) from a replacement
  int64_t refreshed_ms = 0;        // export time of the last (re)definition
};

struct TemplateKey {
  IpAddress exporter;
  uint32_t domain = 0;
  uint16_t id = 0;
  ExportVersion version = ExportVersion::kNetflowV9;
  friend bool operator==(const TemplateKey&, const TemplateKey&) = default;
};

struct TemplateKeyHash {
  uint64_t operator()(const TemplateKey& k) const {
    return k.exporter.hash() ^ ((uint64_t{k.domain} << 24 | uint64_t{k.id} << 8 |
                                 static_cast<uint64_t>(k.version)) * 0x9e3779b97f4a7c15ULL);
  }
};

// Builds a Template one field at a time, straight from the wire.
class TemplateBuilder {
 public:
  TemplateBuilder(bool options, bool netflow_v9);
  // `v9_scope`: a NetFlow v9 options template's scope field, whose id is a scope type.
  void add(const FieldSpec& spec, DecodeCounters& counters, bool v9_scope = false);
  bool overflowed() const { return overflowed_; }
  const Template& result() const { return tmpl_; }

 private:
  Template tmpl_;
  bool netflow_v9_;
  bool overflowed_ = false;
};

class TemplateCache {
 public:
  TemplateCache(uint32_t capacity, uint32_t timeout_s);

  // The template for `key`, or nullptr. An expired template is forgotten: `expired` is set.
  const Template* find(const TemplateKey& key, int64_t now_ms, bool& expired);

  enum class Stored { kLearned, kRefreshed, kReplaced };
  // Stores or refreshes a template; the caller has checked that a new one is allowed.
  // If the cache was full, the least recently refreshed template is evicted first and
  // its key returned through `evicted` (`did_evict` set).
  Stored store(const TemplateKey& key, const Template& tmpl, TemplateKey& evicted,
               bool& did_evict);
  bool contains(const TemplateKey& key) { return map_.find(key) != nullptr; }
  bool withdraw(const TemplateKey& key) { return map_.erase(key); }

  // Removes every template `pred(key, template)` selects; calls `removed(key)` for each.
  template <typename Pred, typename Removed>
  void withdraw_matching(Pred&& pred, Removed&& removed) {
    for (uint32_t i = 0; i < map_.capacity(); ++i) {
      if (map_.used_at(i) && pred(map_.key_at(i), map_.value_at(i))) {
        const TemplateKey key = map_.key_at(i);
        map_.erase(key);
        removed(key);
      }
    }
  }

  uint32_t size() const { return map_.size(); }
  uint32_t capacity() const { return map_.capacity(); }

 private:
  table::BoundedMap<TemplateKey, Template, TemplateKeyHash> map_;
  int64_t timeout_ms_;
};

}  // namespace synwatch::decode
