#include "dataplane/runtime/lcore_launch.h"

#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_memory.h>

namespace synwatch::runtime {
namespace {

int run_job(void* job) {
  (*static_cast<std::function<void()>*>(job))();
  return 0;
}

}  // namespace

bool launch_on_worker_lcores(std::vector<std::function<void()>>& jobs, std::string& error) {
  if (rte_lcore_count() < jobs.size() + 1) {
    error = "EAL has " + std::to_string(rte_lcore_count()) + " lcores; " +
            std::to_string(jobs.size()) + " workers and the main lcore need more";
    return false;
  }
  for (size_t i = 0; i < jobs.size(); ++i) {
    if (rte_eal_remote_launch(run_job, &jobs[i], static_cast<unsigned>(i + 1)) != 0) {
      error = "cannot start a worker on lcore " + std::to_string(i + 1);
      return false;
    }
  }
  return true;
}

void wait_worker_lcores() { rte_eal_mp_wait_lcore(); }

int worker_socket(uint32_t worker) {
  const unsigned socket = rte_lcore_to_socket_id(worker + 1);
  return socket == static_cast<unsigned>(SOCKET_ID_ANY) ? -1 : static_cast<int>(socket);
}

}  // namespace synwatch::runtime
