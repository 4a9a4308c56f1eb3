#ifndef CRM_SERVICES_LEADS_LEAD_SERVICE_H_
#define CRM_SERVICES_LEADS_LEAD_SERVICE_H_

#include <functional>

#include "crm/leads/v1/lead_service.grpc.pb.h"
#include "libs/store/read_model.h"
#include "services/leads/applied_events.h"
#include "services/leads/lead_commands.h"

namespace crm::leads {

// The gRPC edge of the lead service: reads the caller's identity and
// deadline, runs commands and queries, and maps errors to gRPC statuses.
class LeadServiceImpl final : public v1::LeadService::Service {
 public:
  // `ready` tells whether the projector has caught up; commands are refused
  // with UNAVAILABLE until it has.
  LeadServiceImpl(store::ReadModel* model, LeadCommands* commands,
                  AppliedEvents* applied, std::function<bool()> ready,
                  absl::Duration default_timeout)
      : model_(model),
        commands_(commands),
        applied_(applied),
        ready_(std::move(ready)),
        default_timeout_(default_timeout) {}

  grpc::Status CreateLead(grpc::ServerContext* context,
                          const v1::CreateLeadRequest* request,
                          v1::Lead* response) override;
  grpc::Status GetLead(grpc::ServerContext* context,
                       const v1::GetLeadRequest* request,
                       v1::Lead* response) override;
  grpc::Status UpdateLead(grpc::ServerContext* context,
                          const v1::UpdateLeadRequest* request,
                          v1::Lead* response) override;
  grpc::Status ListLeads(grpc::ServerContext* context,
                         const v1::ListLeadsRequest* request,
                         v1::ListLeadsResponse* response) override;

 private:
  CallContext Call(const grpc::ServerContext& context) const;
  absl::StatusOr<v1::Lead> GetLead(const v1::GetLeadRequest& request,
                                   absl::Time deadline);
  absl::StatusOr<v1::ListLeadsResponse> ListLeads(
      const v1::ListLeadsRequest& request);

  store::ReadModel* const model_;
  LeadCommands* const commands_;
  AppliedEvents* const applied_;
  const std::function<bool()> ready_;
  const absl::Duration default_timeout_;
};

}  // namespace crm::leads

#endif  // CRM_SERVICES_LEADS_LEAD_SERVICE_H_
