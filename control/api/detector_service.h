// synwatch.v1.Detectors: the detection engine's state and resets, asked of the detection
// thread through EngineRequests (the engine has one writer; the API never touches it).
#pragma once

#include "dataplane/detect/engine_requests.h"
#include "synwatch/v1/detectors.grpc.pb.h"

namespace synwatch::control {

class DetectorService final : public v1::Detectors::Service {
 public:
  // `requests` null: detection is off.
  explicit DetectorService(detect::EngineRequests* requests) : requests_(requests) {}
  grpc::Status ListDetectors(grpc::ServerContext* context, const v1::ListDetectorsRequest* request,
                             v1::ListDetectorsResponse* response) override;
  grpc::Status ListBaselines(grpc::ServerContext* context, const v1::ListBaselinesRequest* request,
                             v1::ListBaselinesResponse* response) override;
  grpc::Status ResetDetector(grpc::ServerContext* context, const v1::ResetDetectorRequest* request,
                             v1::ResetDetectorResponse* response) override;

 private:
  // Runs f(engine) on the detection thread; OK, or why it could not.
  grpc::Status on_engine(std::function<void(detect::DetectEngine&)> f);
  detect::EngineRequests* requests_;
};

}  // namespace synwatch::control
