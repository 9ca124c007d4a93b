// JsonLine: builds one JSON object into a fixed buffer, field by field, with no
// allocation. Keys are trusted literals; string values are escaped.
#pragma once

#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string_view>

#include "dataplane/wire/ip_address.h"

namespace synwatch::json {

// The common methods are always inlined: with the key a literal, writing it is a few
// moves instead of a call to memcpy (a session line cost 2,300 instructions before).
class JsonLine {
 public:
  static constexpr size_t kCapacity = 2048;

  JsonLine() { buf_[0] = '{'; }

  [[gnu::always_inline]] JsonLine& field(std::string_view key, uint64_t v) {
    return key_then(key).number(v);
  }
  [[gnu::always_inline]] JsonLine& field(std::string_view key, int64_t v) {
    return key_then(key).number(v);
  }
  [[gnu::always_inline]] JsonLine& field(std::string_view key, uint32_t v) {
    return field(key, uint64_t{v});
  }
  [[gnu::always_inline]] JsonLine& field(std::string_view key, uint16_t v) {
    return field(key, uint64_t{v});
  }
  [[gnu::always_inline]] JsonLine& field(std::string_view key, uint8_t v) {
    return field(key, uint64_t{v});
  }
  // Shortest text that reads back as the same double (std::to_chars).
  JsonLine& field(std::string_view key, double v) { return key_then(key).number(v); }
  // A value already in JSON (an object or array built elsewhere); null when empty.
  JsonLine& json_field(std::string_view key, std::string_view json) {
    return key_then(key).raw(json.empty() ? std::string_view("null") : json);
  }
  JsonLine& null_field(std::string_view key) { return key_then(key).raw("null"); }
  [[gnu::always_inline]] JsonLine& field(std::string_view key, bool v) {
    return key_then(key).raw(v ? "true" : "false");
  }
  JsonLine& field(std::string_view key, std::string_view text) {
    key_then(key).put('"');
    // Names and most text need no escaping: copied whole up to the first that does.
    size_t plain = 0;
    while (plain < text.size() && !needs_escape(text[plain])) ++plain;
    raw(text.substr(0, plain));
    for (char ch : text.substr(plain)) {
      if (ch == '"' || ch == '\\') {
        put('\\');
        put(ch);
      } else if (static_cast<unsigned char>(ch) < 0x20) {
        char esc[7];
        std::snprintf(esc, sizeof esc, "\\u%04x", static_cast<unsigned>(ch));
        raw(esc);
      } else {
        put(ch);
      }
    }
    return put('"');
  }
  [[gnu::always_inline]] JsonLine& field(std::string_view key, const wire::IpAddress& a) {
    return key_then(key).quoted(a);
  }

  // An array of addresses: array_begin("k"), element(a)..., array_end().
  JsonLine& array_begin(std::string_view key) {
    key_then(key).put('[');
    first_element_ = true;
    return *this;
  }
  JsonLine& element(const wire::IpAddress& a) {
    if (!first_element_) put(',');
    first_element_ = false;
    return quoted(a);
  }
  JsonLine& array_end() { return put(']'); }

  // The finished object with a trailing newline.
  std::string_view finish() {
    put('}');
    put('\n');
    return {buf_, len_};
  }

 private:
  static bool needs_escape(char ch) {
    return ch == '"' || ch == '\\' || static_cast<unsigned char>(ch) < 0x20;
  }
  // `,"key":` with one bounds check: keys were a fifth of the cost of a session line.
  [[gnu::always_inline]] JsonLine& key_then(std::string_view key) {
    if (len_ + key.size() + 4 >= kCapacity) return *this;
    char* out = buf_ + len_;
    if (len_ > 1) *out++ = ',';
    *out++ = '"';
    std::memcpy(out, key.data(), key.size());
    out += key.size();
    *out++ = '"';
    *out++ = ':';
    len_ = static_cast<size_t>(out - buf_);
    return *this;
  }
  // An address as a JSON string, written in place.
  [[gnu::always_inline]] JsonLine& quoted(const wire::IpAddress& a) {
    put('"');
    if (len_ + wire::IpAddress::kTextMax < kCapacity) len_ += a.format(buf_ + len_);
    return put('"');
  }
  template <typename T>
  [[gnu::always_inline]] JsonLine& number(T v) {
    auto r = std::to_chars(buf_ + len_, buf_ + kCapacity - 2, v);
    if (r.ec == std::errc{}) len_ = static_cast<size_t>(r.ptr - buf_);
    return *this;
  }
  [[gnu::always_inline]] JsonLine& raw(std::string_view s) {
    if (len_ + s.size() < kCapacity - 2) {
      std::memcpy(buf_ + len_, s.data(), s.size());
      len_ += s.size();
    }
    return *this;
  }
  [[gnu::always_inline]] JsonLine& put(char ch) {
    if (len_ < kCapacity) buf_[len_++] = ch;
    return *this;
  }

  char buf_[kCapacity];
  size_t len_ = 1;
  bool first_element_ = true;
};

}  // namespace synwatch::json
