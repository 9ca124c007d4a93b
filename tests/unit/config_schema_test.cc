// The configuration schema against the parser and the docs: every row of the reference
// is a setting the parser reads into the field the row reports, every range validation
// checks is in the reference, docs/configuration.md is the reference as the code prints
// it, and an unknown setting is refused with the nearest one named.
#include "control/config/config_schema.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace synwatch::config {
namespace {

namespace fs = std::filesystem;

// Sets `path` ("a.b[].c") in `node` to `value`; a "[]" segment is the list's first item.
// (Never reassigns a YAML::Node: in yaml-cpp that would overwrite the node it refers to.)
void put(YAML::Node node, const std::string& path, const YAML::Node& value) {
  const size_t dot = path.find('.');
  std::string head = path.substr(0, dot);
  const bool item = head.ends_with("[]");
  if (item) head.resize(head.size() - 2);
  if (dot == std::string::npos) {
    node[head] = value;
    return;
  }
  YAML::Node child = node[head];
  if (item && child.size() == 0) child.push_back(YAML::Node(YAML::NodeType::Map));
  put(item ? YAML::Node(child[0]) : child, path.substr(dot + 1), value);
}

std::string canonical(const std::string& yaml_text) {
  YAML::Emitter e;
  e.SetSeqFormat(YAML::Flow);
  e.SetMapFormat(YAML::Flow);
  e << YAML::Load(yaml_text);
  return e.c_str();
}

class ConfigSchema : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("synwatch-schema-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& content) {
    const fs::path p = dir_ / name;
    std::ofstream(p) << content;
    return p.string();
  }
  fs::path dir_;
};

// One document sets every row to its example; it must parse, and each row's value, read
// back from the parsed configuration, must be its example: the row names the field the
// parser writes.
TEST_F(ConfigSchema, EveryRowIsReadIntoTheFieldItReports) {
  // Rows that name a file the parser reads (the configuration keeps the content).
  const std::string pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  const std::map<std::string, std::string> files = {
      {"api.tls.cert", write("server.crt", pem)},
      {"api.tls.key", write("server.key", pem)},
      {"api.tls.client_ca", write("clients.crt", pem)},
      {"api.tokens[].file", write("token", "0123456789abcdef0123\n")},
      {"signatures.rule_files",
       write("pack.yaml",
             "rules:\n  - {id: packed, expression: 'x', target: payload, label: p}\n")},
  };
  YAML::Node doc(YAML::NodeType::Map);
  size_t set = 0;
  for (const Setting& s : config_settings()) {
    if (s.example.empty()) {
      EXPECT_EQ(s.form.rfind("list of", 0), 0u)
          << s.path << ": only a list of items has no example";
      continue;
    }
    if (!s.value) {
      ASSERT_TRUE(files.count(s.path)) << s.path << " reads a file the test does not write";
      const std::string& file = files.at(s.path);
      put(doc, s.path,
          s.form.rfind("list of", 0) == 0 ? YAML::Load("[" + file + "]") : YAML::Node(file));
    } else {
      put(doc, s.path, YAML::Load(s.example));
    }
    ++set;
  }
  std::ostringstream text;
  text << doc;
  SynwatchConfig c;
  ASSERT_EQ(parse_config(text.str(), c, 64), "") << text.str();
  EXPECT_GT(set, 100u) << "the schema lost its rows";

  for (const Setting& s : config_settings()) {
    if (!s.value || s.example.empty()) continue;
    EXPECT_EQ(canonical(s.value(c)), canonical(s.example)) << s.path;
  }
  // The file rows took effect too.
  EXPECT_TRUE(c.api.tls());
  EXPECT_EQ(c.api.tokens.at(0).secret, "0123456789abcdef0123");
  ASSERT_EQ(c.signatures.rules.size(), 2u);
  EXPECT_EQ(c.signatures.rules[1].id, "packed");
}

TEST_F(ConfigSchema, EveryRowHasItsDefaultFromTheDefaultConfiguration) {
  std::set<std::string> paths;
  for (const Setting& s : config_settings()) {
    EXPECT_TRUE(paths.insert(s.path).second) << s.path << " is listed twice";
    EXPECT_FALSE(s.meaning.empty()) << s.path;
    EXPECT_TRUE(s.required || !s.default_text().empty()) << s.path;
    EXPECT_TRUE(is_setting(s.path)) << s.path;
  }
  const auto row = [&](const std::string& path) -> const Setting& {
    for (const Setting& s : config_settings())
      if (s.path == path) return s;
    ADD_FAILURE() << path << " has no row";
    return config_settings().front();
  };
  EXPECT_EQ(row("decoder.template_timeout_s").default_text(), "1800");
  EXPECT_EQ(row("dataplane.udp_ports").default_text(), "[2055, 4739, 6343]");
  EXPECT_EQ(row("detectors.port_scan.ports").default_text(), "15");
  EXPECT_EQ(row("detectors.port_scan.ports").range, "2..65535");
  EXPECT_EQ(row("output.syslog.facility").default_text(), "local0");
}

// Every range that validation checks (each section's bounds()) is printed on its row,
// and every plain number has a range.
TEST_F(ConfigSchema, EveryCheckedRangeIsInTheReference) {
  std::map<std::string, std::string> checked = checked_ranges();
  checked.erase("output.syslog.facility");  // written as a name: its row lists the names
  std::map<std::string, const Setting*> rows;
  for (const Setting& s : config_settings())
    rows[s.path] = &s;
  for (const auto& [path, range] : checked) {
    ASSERT_TRUE(rows.count(path)) << path << " is checked but has no row";
    EXPECT_EQ(rows[path]->range, range) << path;
  }
  const std::set<std::string> numbers = {"count", "seconds", "milliseconds", "bytes", "MiB", "KiB"};
  for (const Setting& s : config_settings()) {
    if (numbers.count(s.form)) {
      EXPECT_FALSE(s.range.empty()) << s.path << " has no range";
    }
  }
}

TEST_F(ConfigSchema, DocsConfigurationIsTheReferenceAsPrinted) {
  std::ifstream in(std::string(SYNWATCH_SOURCE_DIR) + "/docs/configuration.md");
  ASSERT_TRUE(in) << "docs/configuration.md";
  std::istringstream printed(config_reference());
  std::string want, have;
  for (int line = 1; std::getline(printed, want); ++line) {
    const bool more = static_cast<bool>(std::getline(in, have));
    ASSERT_TRUE(more && have == want)
        << "docs/configuration.md line " << line << " is behind (run: synwatchd --config-reference "
        << "> docs/configuration.md)\n  printed: " << want
        << "\n  in docs: " << (more ? have : "(end)");
  }
  EXPECT_FALSE(std::getline(in, have))
      << "docs/configuration.md goes on past the reference: " << have;
}

TEST_F(ConfigSchema, UnknownSettingsAreRefusedWithTheNearestNamed) {
  const std::pair<std::string, std::string> cases[] = {
      {"decoder: {template_timeout: 60}",
       "decoder.template_timeout: unknown setting (did you mean template_timeout_s?)"},
      {"dataplane: {ports: [{device: x, rx_queue: 2}]}",
       "dataplane.ports[0].rx_queue: unknown setting (did you mean rx_queues?)"},
      {"detectors: {port_scan: {port: 20}}",
       "detectors.port_scan.port: unknown setting (did you mean ports?)"},
      {"detectors: {port_scan: {inbound: {windw_s: 60}}}",
       "detectors.port_scan.inbound.windw_s: unknown setting (did you mean window_s?)"},
      {"output: {syslog: {adress: \"192.0.2.1:514\"}}",
       "output.syslog.adress: unknown setting (did you mean address?)"},
      {"sessions: {colour: blue}", "sessions.colour: unknown setting"},
  };
  for (const auto& [yaml, error] : cases) {
    SynwatchConfig c;
    EXPECT_EQ(parse_config(yaml, c, 64), error) << yaml;
  }
  EXPECT_FALSE(is_setting("decoder.template"));
  EXPECT_FALSE(is_setting("dataplane.port"));
  EXPECT_TRUE(is_setting("dataplane.ports"));
  EXPECT_TRUE(is_setting("detectors.port_scan"));
}

}  // namespace
}  // namespace synwatch::config
