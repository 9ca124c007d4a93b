// synwatchd's start-up: a bad configuration file or command line is refused with one
// line naming the field and the reason, and exit status 2, before anything starts; the
// EAL command line follows from the configuration.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>

#include "dataplane/daemon/eal_arguments.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_data.h"

namespace synwatch {
namespace {

namespace fs = std::filesystem;

testing::RunResult run_with_config(const std::string& yaml, std::vector<std::string> args = {}) {
  const auto dir = testing::scratch_dir("daemon-cli");
  std::ofstream(dir / "synwatch.yaml") << yaml;
  std::vector<std::string> argv{SYNWATCHD_BINARY, "--config", dir / "synwatch.yaml"};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing::run_program(argv);
}

TEST(DaemonCli, BadConfigurationIsOneLineAndExitTwo) {
  const struct {
    const char* yaml;
    const char* error;
  } cases[] = {
      {"sessions: {idle: 5}\n", "sessions.idle: unknown setting"},
      {"dataplane: {ports: [{device: net_null0, queues: 2}]}\n",
       "dataplane.ports[0].queues: unknown setting"},
      {"sessions: {internal_prefixes: [10.0.0.0/33]}\n",
       "sessions.internal_prefixes[0]: '10.0.0.0/33': prefix length must be 0..32"},
      {"sessions: {internal_prefixes: [ten.0.0.0/8]}\n", "sessions.internal_prefixes[0]: "},
      {"dataplane: {no_huge: true}\n",
       "dataplane.ports: missing (input: dpdk needs at least one port)"},
      {"dataplane: {ports: [{rx_queues: 2}]}\n", "dataplane.ports[0].device: missing"},
      {"dataplane: {input: udp, udp_ports: []}\n",
       "dataplane.udp_ports: missing (input: udp needs at least one port)"},
      {"dataplane: {lcores: [0, 4096], ports: [{device: net_null0}]}\n",
       "dataplane.lcores[1]: lcore 4096 is out of range (this machine has CPUs 0-"},
      {"dataplane: {input: rdma}\n", "dataplane.input: 'rdma' is not an input (expected dpdk or udp)"},
      {"dataplane: {input: udp, udp_ports: [70000]}\n", "dataplane.udp_ports[0]: 70000 is outside 1..65535"},
      {"output: {flush_interval_ms: 1}\n", "output.flush_interval_ms: 1 is outside 10..60000"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.yaml);
    const auto r = run_with_config(c.yaml);
    EXPECT_EQ(r.status, 2);
    // "synwatchd: FILE: field: reason", one line.
    ASSERT_EQ(r.err.rfind("synwatchd: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(std::string("synwatch.yaml: ") + c.error), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
  }
}

TEST(DaemonCli, BadCommandLineIsOneLineAndExitTwo) {
  const struct {
    std::vector<std::string> args;
    const char* error;
  } cases[] = {
      {{"--workers", "0"}, "synwatchd: --workers: '0' is not a number from 1 to 128\n"},
      {{"--pcap"}, "synwatchd: --pcap: missing value\n"},
      {{"--pcap", "/nonexistent.pcap"},
       "synwatchd: --pcap: cannot read '/nonexistent.pcap': No such file or directory\n"},
      {{"--udp", "--udp-port", "http"}, "synwatchd: --udp-port: 'http' is not a port (1..65535)\n"},
      {{"--frobnicate"}, "synwatchd: --frobnicate: unknown option (see --help)\n"},
      {{"--config", "/nonexistent.yaml"}, "synwatchd: /nonexistent.yaml: cannot read\n"},
      {{"--metrics-listen", "localhost:9610"},
       "synwatchd: --metrics-listen: 'localhost:9610' is not HOST:PORT (an IP address and a port, [IPv6]:PORT)\n"},
      {{"--metrics-listen", "127.0.0.1:70000"}, "synwatchd: --metrics-listen: '70000' is not a port (0..65535)\n"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> argv{SYNWATCHD_BINARY};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    const auto r = testing::run_program(argv);
    EXPECT_EQ(r.status, 2) << c.error;
    EXPECT_EQ(r.err, c.error);
  }
}

// A port DPDK cannot find fails the start with the field named, not a crash.
TEST(DaemonCli, UnknownDeviceFailsTheStart) {
  const auto r = run_with_config("dataplane: {no_huge: true, ports: [{device: \"0000:ff:1f.7\"}]}\n",
                                 {"-q"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("synwatchd: dataplane.ports[0].device: no DPDK port '0000:ff:1f.7'"),
            std::string::npos)
      << r.err;
}

// Two queues on a device without RSS (net_pcap: one file per queue) are kept, each read
// by its own worker, and the operator is told exporters are not spread by address.
TEST(DaemonCli, QueuesWithoutRssAreKeptWithAWarning) {
  const auto mixed = testing::bundled_captures_dir() / "mixed";
  const std::string device = "net_pcap0,rx_pcap=" + (mixed / "exports-softflowd-v9.pcap").string() +
                             ",rx_pcap=" + (mixed / "exports-softflowd-v5.pcap").string();
  const auto r = run_with_config("dataplane: {no_huge: true, lcores: [0, 0], ports: [{device: \"" +
                                 device + "\", rx_queues: 2}]}\noutput: {sessions: \"\"}\n");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.err.find("synwatchd: warning: net_pcap0: no RSS on IP addresses; its 2 RX queues"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("2 RX queue(s), 10 frames"), std::string::npos) << r.err;
}

TEST(DaemonCli, ShippedExampleConfigurationChecks) {
  const auto r = testing::run_program({SYNWATCHD_BINARY, "--check-config", "--config",
                                       testing::source_dir() / "deploy" / "synwatch.example.yaml"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("is valid"), std::string::npos);
}

TEST(DaemonCli, HelpAndVersion) {
  const auto help = testing::run_program({SYNWATCHD_BINARY, "--help"});
  EXPECT_EQ(help.status, 0);
  EXPECT_EQ(help.out.rfind("usage: synwatchd [options]", 0), 0u);
  const auto version = testing::run_program({SYNWATCHD_BINARY, "--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_NE(version.out.find("DPDK 22.11"), std::string::npos) << version.out;
}

// Unset, the no_huge memory covers the mbuf pool: 15 workers' reassembly buffers alone
// (15 x 8,192 mbufs) would not fit the 512 MiB default.
TEST(EalArguments, NoHugeMemoryGrowsWithTheWorkersUnlessSet) {
  daemon::DataplaneConfig d;
  d.no_huge = true;
  EXPECT_EQ(d.no_huge_memory_mb(), 512u);  // one worker: the default
  for (uint32_t cpu = 1; cpu <= 15; ++cpu) d.lcores.push_back(cpu);
  const uint64_t mbufs = d.mbufs_per_socket + d.reassembly_mbufs();
  EXPECT_EQ(mbufs, 16383u + 15u * 8192u);
  EXPECT_GE(uint64_t{d.no_huge_memory_mb()} << 20, mbufs * 4096);
  EXPECT_GT(d.no_huge_memory_mb(), 512u);
  d.memory_mb = 2048, d.memory_mb_set = true;
  EXPECT_EQ(d.no_huge_memory_mb(), 2048u);
}

TEST(EalArguments, FollowTheConfiguration) {
  daemon::DataplaneConfig d;
  d.lcores = {2, 3};
  d.no_huge = true;
  d.memory_mb = 256;
  d.memory_mb_set = true;
  d.ports = {{"net_pcap0,rx_pcap=/tmp/x.pcap", 1, 1024}};
  d.eal_args = {"--log-level=pmd.net.pcap:debug"};
  const auto args = daemon::eal_arguments(d, {0, 1, 2, 3});
  const std::vector<std::string> expected{
      "synwatchd", "--lcores=0@(0,1,2,3),1@2,2@3", "--main-lcore=0", "--no-huge", "-m", "256",
      "--no-shconf", "--no-telemetry", "--no-pci", "--vdev", "net_pcap0,rx_pcap=/tmp/x.pcap",
      "--log-level=*:warning", "--log-level=pmd.net.pcap:debug"};
  EXPECT_EQ(args, expected);

  // A NIC: hugepages, the PCI device allowed by address, main lcore pinned.
  daemon::DataplaneConfig nic;
  nic.lcores = {4};
  nic.main_lcore = 0;
  nic.ports = {{"3b:00.0", 2, 1024}};
  const auto nic_args = daemon::eal_arguments(nic, {0, 1, 2, 3, 4});
  const std::vector<std::string> nic_expected{"synwatchd", "--lcores=0@(0),1@4", "--main-lcore=0",
                                              "--file-prefix=synwatch", "-a", "3b:00.0",
                                              "--log-level=*:warning"};
  EXPECT_EQ(nic_args, nic_expected);
  EXPECT_EQ(nic.ports[0].port_name(), "0000:3b:00.0");
}

// The control plane's threads stay off the workers' CPUs where there is a CPU to spare.
TEST(EalArguments, ControlThreadsKeepOffTheWorkersCpus) {
  daemon::DataplaneConfig d;
  d.lcores = {2, 3};
  EXPECT_EQ(daemon::control_cpus(d, {0, 1, 2, 3}), (std::vector<uint32_t>{0, 1}));
  d.lcores = {0, 1};  // every CPU has a worker: share them all
  EXPECT_EQ(daemon::control_cpus(d, {0, 1}), (std::vector<uint32_t>{0, 1}));
  d.lcores = {};  // one worker on CPU 0
  EXPECT_EQ(daemon::control_cpus(d, {0, 1}), (std::vector<uint32_t>{1}));
  d.main_lcore = 0;  // pinned by the operator
  d.lcores = {1};
  EXPECT_EQ(daemon::control_cpus(d, {0, 1, 2}), (std::vector<uint32_t>{0}));
}

}  // namespace
}  // namespace synwatch
