// StallWatch: ends alert streams whose client has stopped reading. A synchronous
// server's Write blocks once the stream's HTTP/2 window is full, holding a subscriber
// slot and a thread for as long as the client likes; a write still blocked after the
// stall limit is cancelled, which frees both. Memory per stream is bounded by the
// window whatever the client does; this bounds the time.
#pragma once

#include <grpcpp/server_context.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>

namespace synwatch::control {

class StallWatch {
 public:
  // `on_evict` runs (under the watch's lock) for each stream it cancels.
  StallWatch(std::chrono::milliseconds limit, std::function<void(const std::string& peer)> on_evict);
  ~StallWatch();
  StallWatch(const StallWatch&) = delete;
  StallWatch& operator=(const StallWatch&) = delete;

  struct Stream {
    grpc::ServerContext* context;
    std::string peer;  // read by the handler's thread, when it registers
    std::chrono::steady_clock::time_point writing_since{};  // zero: not in a Write
  };

  // One stream's registration for as long as its handler runs; brackets each Write.
  class Registration {
   public:
    Registration(StallWatch& watch, grpc::ServerContext* context);
    ~Registration();
    Registration(const Registration&) = delete;
    Registration& operator=(const Registration&) = delete;
    void writing();
    void written();

   private:
    StallWatch& watch_;
    std::list<Stream>::iterator at_;
  };

 private:
  void run();

  const std::chrono::milliseconds limit_;
  const std::function<void(const std::string&)> on_evict_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::list<Stream> streams_;
  std::thread thread_;
};

}  // namespace synwatch::control
