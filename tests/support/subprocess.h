// Runs the project's programs (and real peers such as softflowd) from tests: argument
// vectors, no shell; standard output and error into files; a deadline on every wait,
// so a hung child fails the test instead of hanging the suite.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace synwatch::testing {

class Subprocess {
 public:
  // Starts `argv` (argv[0] is the program path). Output goes to `out` and `err`.
  Subprocess(const std::vector<std::string>& argv, const std::filesystem::path& out,
             const std::filesystem::path& err);
  ~Subprocess();  // kills a child still running
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  void signal(int sig);
  // The exit status, 128 + signal when killed by one, or -1 when `timeout` passed (the
  // child is then killed).
  int wait(std::chrono::milliseconds timeout);
  bool running();
  pid_t pid() const { return pid_; }
  // The child's peak resident memory (ru_maxrss), once it has exited normally; 0 before.
  long peak_rss_kb() const { return peak_rss_kb_; }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  long peak_rss_kb_ = 0;
};

struct RunResult {
  int status = -1;
  long peak_rss_kb = 0;  // 0 when it did not exit within the timeout
  std::string out, err;
};

// Runs to completion (at most `timeout`) and returns the exit status and the output.
RunResult run_program(const std::vector<std::string>& argv,
                      std::chrono::milliseconds timeout = std::chrono::seconds(60));

std::string read_text(const std::filesystem::path& path);
// The lines of `text`, sorted: how tests compare the sessions of two runs.
std::vector<std::string> sorted_lines(const std::string& text);
// The sessions the synwatch-replay binary at `replay` finds in `capture`, sorted;
// `more`: further options (--config FILE).
std::vector<std::string> replay_cli_sessions(const std::string& replay,
                                             const std::filesystem::path& capture,
                                             const std::vector<std::string>& more = {});
// A fresh, empty directory for one test's files, removed when the test process ends
// with every test passed (kept, and named on stderr, otherwise).
std::filesystem::path scratch_dir(const std::string& name);
// The program `name` on PATH (also /usr/sbin), or "" when it is not installed.
std::string find_program(const std::string& name);

}  // namespace synwatch::testing
