#include "services/leads/grpc_reply.h"

#include <string>

#include <spdlog/spdlog.h>

#include "libs/rpc/status.h"

namespace crm::leads {

grpc::Status Reply(absl::string_view method, const absl::Status& status) {
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kUnknown ||
      status.code() == absl::StatusCode::kDataLoss) {
    spdlog::error("{}: {}", std::string(method), status.ToString());
  }
  return rpc::ToGrpcStatus(status);
}

}  // namespace crm::leads
