#include "control/api/detector_service.h"

#include <memory>

#include "control/config/change_log.h"
#include "control/api/proto_convert.h"
#include "control/api/token_auth.h"
#include "dataplane/detect/detect_engine.h"

namespace synwatch::control {

namespace {

constexpr std::chrono::milliseconds kAnswerTimeout{2000};

std::string filter_text(const detect::PartitionFilter& f) {
  std::string text;
  auto add = [&](const std::string& part) { text += (text.empty() ? "" : " ") + part; };
  if (f.host.is_set()) add("server " + f.host.to_string());
  if (f.port != 0) add("port " + std::to_string(f.port));
  if (f.perspective) add(std::string(session::perspective_name(*f.perspective)));
  return text.empty() ? "all of it" : text;
}

// The detector a request names (required) and its partition filter.
grpc::Status target_of(const std::string& detector, const v1::PartitionFilter& in, detect::PartitionFilter& out) {
  if (detector.empty()) return {grpc::StatusCode::INVALID_ARGUMENT, "detector: required"};
  if (std::string problem = from_proto(in, out); !problem.empty()) return {grpc::StatusCode::INVALID_ARGUMENT, problem};
  return grpc::Status::OK;
}

}  // namespace

grpc::Status DetectorService::on_engine(std::function<void(detect::DetectEngine&)> f) {
  if (requests_ == nullptr)
    return {grpc::StatusCode::FAILED_PRECONDITION, "detection is off (detectors.enabled: false)"};
  switch (requests_->run(std::move(f), kAnswerTimeout)) {
    case detect::EngineRequests::Outcome::kDone: return grpc::Status::OK;
    case detect::EngineRequests::Outcome::kTimedOut:
      return {grpc::StatusCode::DEADLINE_EXCEEDED, "synwatchd's detection thread did not answer within 2 s"};
    case detect::EngineRequests::Outcome::kStopped: break;
  }
  return {grpc::StatusCode::UNAVAILABLE, "detection has stopped: synwatchd is stopping"};
}

grpc::Status DetectorService::ListDetectors(grpc::ServerContext*, const v1::ListDetectorsRequest*,
                                            v1::ListDetectorsResponse* response) {
  // The answer is built in memory the request owns, copied out only once it is complete.
  auto answer = std::make_shared<v1::ListDetectorsResponse>();
  grpc::Status status = on_engine([answer](detect::DetectEngine& engine) {
    for (const detect::DetectorSummary& s : engine.summaries()) to_proto(s, *answer->add_detectors());
    answer->set_evaluated_through_ms(engine.evaluated_through_ms());
  });
  if (status.ok()) response->Swap(answer.get());
  return status;
}

grpc::Status DetectorService::ListBaselines(grpc::ServerContext*, const v1::ListBaselinesRequest* request,
                                            v1::ListBaselinesResponse* response) {
  detect::PartitionFilter filter;
  if (grpc::Status s = target_of(request->detector(), request->filter(), filter); !s.ok()) return s;
  const uint32_t limit = request->limit() == 0 ? 100 : request->limit();
  if (limit > 10000)
    return {grpc::StatusCode::INVALID_ARGUMENT, "limit: " + std::to_string(request->limit()) + " is above 10000"};
  auto answer = std::make_shared<v1::ListBaselinesResponse>();
  auto problem = std::make_shared<std::string>();
  grpc::Status status = on_engine([answer, problem, detector = request->detector(), filter, limit](detect::DetectEngine& engine) {
    detect::BaselineList list;
    *problem = engine.baselines(detector, filter, limit, list);
    for (const auto& row : list.rows) to_proto(row, *answer->add_baselines());
    answer->set_matched(list.matched);
    answer->set_unit(list.unit);
  });
  if (!status.ok()) return status;
  if (!problem->empty()) return {grpc::StatusCode::NOT_FOUND, *problem};
  response->Swap(answer.get());
  return status;
}

grpc::Status DetectorService::ResetDetector(grpc::ServerContext* context, const v1::ResetDetectorRequest* request,
                                            v1::ResetDetectorResponse* response) {
  detect::PartitionFilter filter;
  if (grpc::Status s = target_of(request->detector(), request->filter(), filter); !s.ok()) return s;
  auto forgotten = std::make_shared<uint32_t>(0);
  auto problem = std::make_shared<std::string>();
  grpc::Status status = on_engine([forgotten, problem, detector = request->detector(), filter](detect::DetectEngine& engine) {
    *problem = engine.reset(detector, filter, *forgotten);
  });
  if (!status.ok()) return status;
  if (!problem->empty())
    return {problem->rfind("detector:", 0) == 0 ? grpc::StatusCode::NOT_FOUND : grpc::StatusCode::FAILED_PRECONDITION,
            *problem};
  config::log_change(caller_of(*context), "reset detector " + request->detector() + " (" + filter_text(filter) + "): " +
                                      std::to_string(*forgotten) + " forgotten");
  response->set_forgotten(*forgotten);
  return grpc::Status::OK;
}

}  // namespace synwatch::control
