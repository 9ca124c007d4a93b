// EalSession: DPDK's Environment Abstraction Layer, initialised once per process with
// the given arguments and cleaned up when the session ends.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace synwatch::runtime {

class EalSession {
 public:
  // Initialises the EAL with `args` (program name first). On failure returns nullptr and
  // a one-line reason in `error`; the EAL cannot be initialised twice in one process.
  static std::unique_ptr<EalSession> start(const std::vector<std::string>& args,
                                           std::string& error);
  ~EalSession();
  EalSession(const EalSession&) = delete;
  EalSession& operator=(const EalSession&) = delete;

  // "DPDK 22.11.11" and the like.
  static std::string dpdk_version();

 private:
  EalSession() = default;
};

}  // namespace synwatch::runtime
