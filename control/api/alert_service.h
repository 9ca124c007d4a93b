// synwatch.v1.Alerts over the AlertStore: paged listing of the history, and live
// subscriptions that resume after a sequence or alert id.
#pragma once

#include "control/api/api_sources.h"
#include "synwatch/v1/alerts.grpc.pb.h"

namespace synwatch::control {

class AlertService final : public v1::Alerts::Service {
 public:
  AlertService(AlertStore& store, uint32_t max_subscribers) : store_(store), max_subscribers_(max_subscribers) {}

  grpc::Status ListAlerts(grpc::ServerContext* context, const v1::ListAlertsRequest* request,
                          v1::ListAlertsResponse* response) override;
  grpc::Status Subscribe(grpc::ServerContext* context, const v1::SubscribeRequest* request,
                         grpc::ServerWriter<v1::AlertEvent>* writer) override;

 private:
  AlertStore& store_;
  const uint32_t max_subscribers_;
};

}  // namespace synwatch::control
