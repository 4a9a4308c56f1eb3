#include "libs/rpc/status.h"

#include <string>

#include "crm/leads/v1/errors.pb.h"

namespace crm::rpc {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kUnknown) {
    return grpc::Status(code, "internal error; the service log has details");
  }

  leads::v1::ErrorStatus detailed;
  detailed.set_code(static_cast<int>(status.code()));
  detailed.set_message(std::string(status.message()));
  status.ForEachPayload(
      [&detailed](absl::string_view type_url, const absl::Cord& payload) {
        google::protobuf::Any* any = detailed.add_details();
        any->set_type_url(std::string(type_url));
        any->set_value(std::string(payload));
      });
  return grpc::Status(code, std::string(status.message()),
                      detailed.SerializeAsString());
}

}  // namespace crm::rpc
