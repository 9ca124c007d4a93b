// synwatch-alert-subscribers: N gRPC clients, each on its own connection, subscribed to
// synwatchd's alert stream for S seconds, counting what they receive. The load side of
// perf/e2e/subscribers.sh: it measures what streaming costs the daemon, so the clients
// do nothing with an event but count it (synwatchctl's JSON printing would cost the
// shared control core more than the daemon does).
//
//   synwatch-alert-subscribers --server 127.0.0.1:50051 --subscribers 4 --seconds 10
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "synwatch/v1/alerts.grpc.pb.h"

namespace {

namespace v1 = synwatch::v1;

struct Tally {
  uint64_t events = 0, missed = 0, first = 0, last = 0;
  std::string ended;
};

void subscribe(const std::string& server, int index, grpc::ClientContext& context, Tally& t) {
  grpc::ChannelArguments args;
  args.SetInt("synwatch.subscriber", index);  // a channel, and a connection, of its own
  auto channel = grpc::CreateCustomChannel(server, grpc::InsecureChannelCredentials(), args);
  auto stub = v1::Alerts::NewStub(channel);
  v1::SubscribeRequest request;  // no resume point: events from now on
  auto reader = stub->Subscribe(&context, request);
  v1::AlertEvent event;
  while (reader->Read(&event)) {
    const uint64_t sequence = event.alert().sequence();
    if (t.events == 0) t.first = sequence;
    t.last = sequence;
    ++t.events;
    t.missed += event.missed_before();
  }
  const grpc::Status s = reader->Finish();
  // Cancelled is how every stream ends here: the time was up.
  t.ended = s.error_code() == grpc::StatusCode::CANCELLED ? "streaming until stopped"
            : s.ok()                                      ? "the daemon ended the stream"
                                                          : "failed: " + s.error_message();
}

}  // namespace

int main(int argc, char** argv) {
  std::string server = "127.0.0.1:50051";
  int subscribers = 4, seconds = 10;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--server")) server = argv[i + 1];
    else if (!std::strcmp(argv[i], "--subscribers")) subscribers = std::atoi(argv[i + 1]);
    else if (!std::strcmp(argv[i], "--seconds")) seconds = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: synwatch-alert-subscribers [--server ADDR] [--subscribers N] [--seconds S]\n");
      return 2;
    }
  }
  if (subscribers < 1 || subscribers > 64 || seconds < 1) {
    std::fprintf(stderr, "synwatch-alert-subscribers: --subscribers 1..64, --seconds 1 or more\n");
    return 2;
  }
  std::vector<grpc::ClientContext> contexts(static_cast<size_t>(subscribers));
  std::vector<Tally> tallies(static_cast<size_t>(subscribers));
  std::vector<std::thread> threads;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < subscribers; ++i)
    threads.emplace_back(subscribe, server, i, std::ref(contexts[i]), std::ref(tallies[i]));
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  for (auto& c : contexts) c.TryCancel();
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  int status = 0;
  for (int i = 0; i < subscribers; ++i) {
    const Tally& t = tallies[i];
    const uint64_t span = t.events == 0 ? 0 : t.last - t.first + 1;
    std::printf("subscriber %d: %" PRIu64 " events, %.0f/s, sequence %" PRIu64 "..%" PRIu64 ", missed %" PRIu64
                " (%s)\n",
                i + 1, t.events, static_cast<double>(t.events) / elapsed, t.first, t.last, span - t.events,
                t.ended.c_str());
    if (t.events == 0) status = 1;
  }
  return status;
}
