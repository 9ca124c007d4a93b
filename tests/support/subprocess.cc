#include "tests/support/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

namespace synwatch::testing {
namespace {

// The scratch folders this test process made: removed when it ends, unless a test failed
// (then they are kept for a look, and named) or SYNWATCH_KEEP_SCRATCH is set. Only the
// process that made them removes them, not a child forked from it.
class ScratchFolders {
 public:
  void add(const std::filesystem::path& dir) {
    std::lock_guard<std::mutex> lock(mutex_);
    dirs_.insert(dir);
  }
  ~ScratchFolders() {
    if (getpid() != owner_) return;
    // UnitTest's instance was made before this one (gtest's main): it is still there.
    const bool keep = std::getenv("SYNWATCH_KEEP_SCRATCH") != nullptr ||
                      !::testing::UnitTest::GetInstance()->Passed();
    for (const auto& dir : dirs_) {
      std::error_code ignored;
      if (keep) std::fprintf(stderr, "scratch folder kept: %s\n", dir.c_str());
      else std::filesystem::remove_all(dir, ignored);
    }
  }

 private:
  const pid_t owner_ = getpid();
  std::mutex mutex_;
  std::set<std::filesystem::path> dirs_;
};

ScratchFolders& scratch_folders() {
  static ScratchFolders folders;
  return folders;
}

}  // namespace

Subprocess::Subprocess(const std::vector<std::string>& argv, const std::filesystem::path& out,
                       const std::filesystem::path& err) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    // A test started from a background job inherits SIGINT and SIGQUIT ignored; the
    // programs under test (softflowd stops itself with SIGINT) need the defaults.
    for (int sig : {SIGINT, SIGQUIT, SIGTERM, SIGPIPE}) ::signal(sig, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    const int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int in = ::open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(o, 1);
    dup2(e, 2);
    // Nothing of the test process leaks into the program under test.
    for (int fd = 3; fd < 1024; ++fd) ::close(fd);
    execv(args[0], args.data());
    _exit(127);
  }
}

Subprocess::~Subprocess() {
  if (running()) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
}

void Subprocess::signal(int sig) {
  if (pid_ > 0) kill(pid_, sig);
}

bool Subprocess::running() {
  if (pid_ <= 0 || status_ != -1) return false;
  int status;
  rusage usage{};
  if (wait4(pid_, &status, WNOHANG, &usage) == pid_) {
    status_ = status;
    peak_rss_kb_ = usage.ru_maxrss;
    return false;
  }
  return true;
}

int Subprocess::wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status_, 0);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (WIFEXITED(status_)) return WEXITSTATUS(status_);
  if (WIFSIGNALED(status_)) return 128 + WTERMSIG(status_);
  return -1;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> sorted_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::vector<std::string> replay_cli_sessions(const std::string& replay,
                                             const std::filesystem::path& capture,
                                             const std::vector<std::string>& more) {
  std::vector<std::string> argv{replay, "--emit", "sessions", "-q"};
  argv.insert(argv.end(), more.begin(), more.end());
  argv.push_back(capture);
  const auto r = run_program(argv);
  EXPECT_EQ(r.status, 0) << r.err;
  return sorted_lines(r.out);
}

RunResult run_program(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  const auto dir = scratch_dir("run_program");
  RunResult r;
  {
    Subprocess p(argv, dir / "out", dir / "err");
    r.status = p.wait(timeout);
    r.peak_rss_kb = p.peak_rss_kb();
  }
  r.out = read_text(dir / "out");
  r.err = read_text(dir / "err");
  return r;
}

std::filesystem::path scratch_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("synwatch-test-" + std::to_string(getpid()) + "-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  scratch_folders().add(dir);
  return dir;
}

std::string find_program(const std::string& name) {
  std::string path = getenv("PATH") ? getenv("PATH") : "";
  path += ":/usr/sbin:/sbin";
  std::istringstream dirs(path);
  for (std::string d; std::getline(dirs, d, ':');) {
    const auto candidate = std::filesystem::path(d) / name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

}  // namespace synwatch::testing
