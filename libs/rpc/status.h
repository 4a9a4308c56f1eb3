#ifndef CRM_LIBS_RPC_STATUS_H_
#define CRM_LIBS_RPC_STATUS_H_

#include <absl/status/status.h>
#include <grpcpp/support/status.h>

namespace crm::rpc {

// The gRPC status a handler returns for `status`: the same code and
// message, and the status's payloads as the details of an ErrorStatus
// (wire-compatible with google.rpc.Status) in grpc-status-details-bin.
// INTERNAL and UNKNOWN become a generic message; the caller logs the
// original.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace crm::rpc

#endif  // CRM_LIBS_RPC_STATUS_H_
