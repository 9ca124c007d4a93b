// Names the calling thread as `top -H`, `ps -L` and `perf report --sort comm` show it.
// The kernel keeps 15 characters.
#pragma once

#include <pthread.h>

#include <string>

namespace synwatch {

inline void name_this_thread(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

}  // namespace synwatch
