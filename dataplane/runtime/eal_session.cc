#include "dataplane/runtime/eal_session.h"

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_version.h>

namespace synwatch::runtime {

std::unique_ptr<EalSession> EalSession::start(const std::vector<std::string>& args,
                                              std::string& error) {
  // rte_eal_init may permute argv; give it copies it can own for the process lifetime.
  static std::vector<std::string> storage;
  static std::vector<char*> argv;
  storage = args;
  argv.clear();
  for (auto& a : storage) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (rte_eal_init(static_cast<int>(storage.size()), argv.data()) < 0) {
    error = std::string("EAL initialisation failed: ") + rte_strerror(rte_errno);
    return nullptr;
  }
  return std::unique_ptr<EalSession>(new EalSession());
}

EalSession::~EalSession() { rte_eal_cleanup(); }

std::string EalSession::dpdk_version() { return rte_version(); }

}  // namespace synwatch::runtime
