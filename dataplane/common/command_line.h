// CommandLine: walks argv for the tools' option parsers. Both "--name value" and
// "--name=value" are accepted; a value option at the end of the line is an error
// ("--name: missing value", from missing_value()) rather than silently ignored.
#pragma once

#include <charconv>
#include <initializer_list>
#include <string>
#include <string_view>

namespace synwatch {

class CommandLine {
 public:
  CommandLine(int argc, const char* const* argv) : argc_(argc), argv_(argv) {}

  // Moves to the next argument; false at the end.
  bool next() {
    if (++i_ >= argc_) return false;
    arg_ = argv_[i_];
    return true;
  }
  std::string_view arg() const { return arg_; }

  // The current argument is `name`, a flag without a value.
  bool flag(std::string_view name) const { return arg_ == name; }
  // The current argument is `name` with a value (taken into `value`).
  bool option(std::string_view name, std::string_view& value) {
    if (arg_ == name && i_ + 1 < argc_) {
      value = argv_[++i_];
      return true;
    }
    if (arg_.size() > name.size() + 1 && arg_.substr(0, name.size()) == name &&
        arg_[name.size()] == '=') {
      value = arg_.substr(name.size() + 1);
      return true;
    }
    return false;
  }
  // "--name: missing value" when the line ends with one of the options that take a
  // value (only the last argument can lack one), else "".
  std::string missing_value(std::initializer_list<std::string_view> value_options) const {
    if (argc_ < 2) return {};
    for (std::string_view name : value_options)
      if (name == argv_[argc_ - 1]) return std::string(name) + ": missing value";
    return {};
  }
  // An option-looking argument no parser branch took.
  bool looks_like_option() const { return arg_.size() > 1 && arg_[0] == '-'; }

  // The value of `name` anywhere on the line (the configuration file is read first, so
  // every other option can override it); "" when absent.
  std::string find(std::string_view name) const {
    std::string found;
    for (int i = 1; i < argc_; ++i) {
      const std::string_view a = argv_[i];
      if (a == name && i + 1 < argc_) found = argv_[i + 1];
      if (a.size() > name.size() + 1 && a.substr(0, name.size()) == name && a[name.size()] == '=')
        found = a.substr(name.size() + 1);
    }
    return found;
  }

 private:
  int argc_;
  const char* const* argv_;
  int i_ = 0;
  std::string_view arg_;
};

inline bool parse_u32(std::string_view text, uint32_t& out) {
  auto r = std::from_chars(text.data(), text.data() + text.size(), out);
  return !text.empty() && r.ec == std::errc{} && r.ptr == text.data() + text.size();
}

}  // namespace synwatch
