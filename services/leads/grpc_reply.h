#ifndef CRM_SERVICES_LEADS_GRPC_REPLY_H_
#define CRM_SERVICES_LEADS_GRPC_REPLY_H_

#include <absl/status/status.h>
#include <absl/strings/string_view.h>
#include <grpcpp/support/status.h>

namespace crm::leads {

// The gRPC status for a handler's outcome, logging (without request data)
// the failures the caller only sees as a generic message.
grpc::Status Reply(absl::string_view method, const absl::Status& status);

}  // namespace crm::leads

#endif  // CRM_SERVICES_LEADS_GRPC_REPLY_H_
