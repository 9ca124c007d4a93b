// Runs functions on the EAL's worker lcores (lcore i + 1 runs job i) and waits for them.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace synwatch::runtime {

// False with a reason when there are fewer worker lcores than jobs.
bool launch_on_worker_lcores(std::vector<std::function<void()>>& jobs, std::string& error);
void wait_worker_lcores();
// The NUMA socket of worker i's lcore (-1 when unknown).
int worker_socket(uint32_t worker);

}  // namespace synwatch::runtime
