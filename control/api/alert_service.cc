#include "control/api/alert_service.h"

#include <charconv>
#include <cstdio>

#include "control/api/proto_convert.h"

namespace synwatch::control {
namespace {

grpc::Status invalid(const std::string& message) { return {grpc::StatusCode::INVALID_ARGUMENT, message}; }

// Page tokens are the last sequence a page looked at, in decimal.
bool parse_token(const std::string& token, uint64_t& out) {
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), out);
  return !token.empty() && ec == std::errc() && end == token.data() + token.size();
}

// Keeps the store's subscriber count right however the stream ends.
class SubscriberSlot {
 public:
  explicit SubscriberSlot(AlertStore& store) : store_(store) { store_.add_subscriber(); }
  ~SubscriberSlot() { store_.remove_subscriber(); }
  SubscriberSlot(const SubscriberSlot&) = delete;
  SubscriberSlot& operator=(const SubscriberSlot&) = delete;

 private:
  AlertStore& store_;
};

}  // namespace

AlertService::AlertService(AlertStore& store, uint32_t max_subscribers, std::chrono::milliseconds stall)
    : store_(store), max_subscribers_(max_subscribers), stalls_(stall, [this, stall](const std::string& peer) {
        store_.count_evicted();
        std::fprintf(stderr,
                     "synwatchd: api: alert subscriber %s cancelled: it read nothing for %lld s "
                     "(api.subscriber_stall_s)\n",
                     peer.c_str(), static_cast<long long>(stall.count() / 1000));
      }) {}

grpc::Status AlertService::ListAlerts(grpc::ServerContext*, const v1::ListAlertsRequest* request,
                                      v1::ListAlertsResponse* response) {
  AlertQuery query;
  if (std::string problem = from_proto(request->filter(), query); !problem.empty()) return invalid(problem);
  const int32_t page_size = request->page_size() == 0 ? 100 : request->page_size();
  if (page_size < 1 || page_size > 1000)
    return invalid("page_size: " + std::to_string(request->page_size()) + " is outside 1..1000");
  uint64_t after = 0;
  if (!request->page_token().empty() && !parse_token(request->page_token(), after))
    return invalid("page_token: not a token ListAlerts returned");

  const AlertStore::Read read = store_.read_after(after, static_cast<size_t>(page_size), query);
  for (const StoredAlert& a : read.events) to_proto(a, *response->add_alerts());
  if (read.scanned_to < store_.last_sequence()) response->set_next_page_token(std::to_string(read.scanned_to));
  response->set_retained(store_.retained());
  response->set_first_sequence(store_.first_sequence());
  return grpc::Status::OK;
}

grpc::Status AlertService::Subscribe(grpc::ServerContext* context, const v1::SubscribeRequest* request,
                                     grpc::ServerWriter<v1::AlertEvent>* writer) {
  AlertQuery query;
  if (std::string problem = from_proto(request->filter(), query); !problem.empty()) return invalid(problem);
  if (request->after_sequence() != 0 && !request->after_alert_id().empty())
    return invalid("after_alert_id: give after_sequence or after_alert_id, not both");

  uint64_t cursor = store_.last_sequence();
  if (request->after_sequence() != 0) {
    if (request->after_sequence() > cursor)
      return {grpc::StatusCode::OUT_OF_RANGE,
              "after_sequence: " + std::to_string(request->after_sequence()) + " is beyond the newest alert event (" +
                  std::to_string(cursor) + "); has synwatchd restarted?"};
    cursor = request->after_sequence();
  } else if (!request->after_alert_id().empty()) {
    cursor = store_.last_sequence_of(request->after_alert_id());
    if (cursor == 0)
      return {grpc::StatusCode::NOT_FOUND,
              "after_alert_id: '" + request->after_alert_id() + "' is not in the alert history"};
  }
  if (store_.subscribers() >= max_subscribers_)
    return {grpc::StatusCode::RESOURCE_EXHAUSTED,
            "already " + std::to_string(max_subscribers_) + " subscribers (api.max_subscribers)"};
  SubscriberSlot slot(store_);
  StallWatch::Registration watched(stalls_, context);
  // Headers now: the client knows it is subscribed before the first alert.
  writer->SendInitialMetadata();

  constexpr size_t kBatch = 256;
  constexpr std::chrono::milliseconds kPoll(200);  // how soon a cancelled stream is noticed
  uint64_t missed = 0;
  bool open = true;  // false once the store closed: what is left is still sent
  v1::AlertEvent event;
  while (!context->IsCancelled()) {
    const AlertStore::Read read = store_.read_after(cursor, kBatch, query);
    cursor = read.scanned_to;
    missed += read.missed;
    store_.count_missed(read.missed);
    for (const StoredAlert& a : read.events) {
      event.Clear();
      to_proto(a, *event.mutable_alert());
      event.set_missed_before(missed);
      missed = 0;
      watched.writing();
      const bool sent = writer->Write(event);
      watched.written();
      if (!sent) return grpc::Status::OK;  // the client went away, or stalled (StallWatch)
    }
    if (!read.events.empty()) continue;
    if (!open) break;
    open = store_.wait_after(cursor, kPoll);
  }
  return context->IsCancelled() ? grpc::Status::CANCELLED
                                : grpc::Status(grpc::StatusCode::UNAVAILABLE, "synwatchd is stopping");
}

}  // namespace synwatch::control
