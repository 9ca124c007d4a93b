// synwatch.v1.Alerts over the AlertStore: paged listing of the history, and live
// subscriptions that resume after a sequence or alert id.
#pragma once

#include <chrono>

#include "control/api/api_sources.h"
#include "control/api/stall_watch.h"
#include "synwatch/v1/alerts.grpc.pb.h"

namespace synwatch::control {

class AlertService final : public v1::Alerts::Service {
 public:
  // A subscriber that reads nothing for `stall` while an event waits for it is
  // cancelled (StallWatch): its slot goes to the next client.
  AlertService(AlertStore& store, uint32_t max_subscribers, std::chrono::milliseconds stall);

  grpc::Status ListAlerts(grpc::ServerContext* context, const v1::ListAlertsRequest* request,
                          v1::ListAlertsResponse* response) override;
  grpc::Status Subscribe(grpc::ServerContext* context, const v1::SubscribeRequest* request,
                         grpc::ServerWriter<v1::AlertEvent>* writer) override;

 private:
  AlertStore& store_;
  const uint32_t max_subscribers_;
  StallWatch stalls_;
};

}  // namespace synwatch::control
