// synwatch.v1.Statistics and synwatch.v1.Exporters: the workers' published stats
// (WorkerStats, at most one tick old) and the writer's tally of decided sessions.
#pragma once

#include "control/api/api_sources.h"
#include "synwatch/v1/statistics.grpc.pb.h"

namespace synwatch::control {

class StatisticsService final : public v1::Statistics::Service {
 public:
  explicit StatisticsService(const ApiSources& sources) : sources_(sources) {}
  grpc::Status GetStatistics(grpc::ServerContext* context, const v1::GetStatisticsRequest* request,
                             v1::GetStatisticsResponse* response) override;

 private:
  const ApiSources& sources_;
};

class ExporterService final : public v1::Exporters::Service {
 public:
  explicit ExporterService(const ApiSources& sources) : sources_(sources) {}
  grpc::Status ListExporters(grpc::ServerContext* context, const v1::ListExportersRequest* request,
                             v1::ListExportersResponse* response) override;

 private:
  const ApiSources& sources_;
};

}  // namespace synwatch::control
