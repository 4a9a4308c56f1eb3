#ifndef CRM_SERVICES_LEADS_LEAD_SERVICE_H_
#define CRM_SERVICES_LEADS_LEAD_SERVICE_H_

#include <functional>

#include "crm/leads/v1/lead_service.grpc.pb.h"
#include "libs/eventlog/kafka_options.h"
#include "libs/store/read_model.h"
#include "services/leads/applied_events.h"
#include "services/leads/grpc_reply.h"
#include "services/leads/lead_commands.h"
#include "services/leads/lead_list.h"

namespace crm::leads {

// The gRPC edge of the lead service: reads the caller's identity and
// deadline, runs commands and queries, and maps errors to gRPC statuses.
class LeadServiceImpl final : public v1::LeadService::Service {
 public:
  // `ready` tells whether the projector has caught up; commands are refused
  // with UNAVAILABLE until it has.
  LeadServiceImpl(store::ReadModel* model, LeadCommands* commands,
                  AppliedEvents* applied, const MasterCatalog* masters,
                  std::function<bool()> ready, absl::Duration default_timeout)
      : model_(model),
        commands_(commands),
        masters_(masters),
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
  grpc::Status GetLeadStats(grpc::ServerContext* context,
                            const v1::GetLeadStatsRequest* request,
                            v1::GetLeadStatsResponse* response) override;

  // Lifecycle and masters (lifecycle_service.cc).
  grpc::Status QualifyLead(grpc::ServerContext* context,
                           const v1::QualifyLeadRequest* request,
                           v1::QualifyLeadResponse* response) override;
  grpc::Status DisqualifyLead(grpc::ServerContext* context,
                              const v1::DisqualifyLeadRequest* request,
                              v1::Lead* response) override;
  grpc::Status ReactivateLead(grpc::ServerContext* context,
                              const v1::ReactivateLeadRequest* request,
                              v1::Lead* response) override;
  grpc::Status ArchiveLead(grpc::ServerContext* context,
                           const v1::ArchiveLeadRequest* request,
                           v1::Lead* response) override;
  grpc::Status RestoreLead(grpc::ServerContext* context,
                           const v1::RestoreLeadRequest* request,
                           v1::Lead* response) override;
  grpc::Status ListMasters(grpc::ServerContext* context,
                           const v1::ListMastersRequest* request,
                           v1::ListMastersResponse* response) override;

  // History, as-of and verification (history_service.cc). VerifyLead reads
  // the topic described by `kafka`, of `partitions` partitions; until this
  // is called it answers UNAVAILABLE.
  void EnableVerification(eventlog::KafkaOptions kafka, int partitions) {
    kafka_ = std::move(kafka);
    partitions_ = partitions;
  }

  grpc::Status GetLeadHistory(grpc::ServerContext* context,
                              const v1::GetLeadHistoryRequest* request,
                              v1::GetLeadHistoryResponse* response) override;
  grpc::Status GetLeadAsOf(grpc::ServerContext* context,
                           const v1::GetLeadAsOfRequest* request,
                           v1::Lead* response) override;
  grpc::Status VerifyLead(grpc::ServerContext* context,
                          const v1::VerifyLeadRequest* request,
                          v1::VerifyLeadResponse* response) override;

 private:
  CallContext Call(const grpc::ServerContext& context) const;

  // Runs a command unless the read model is still catching up, and maps
  // its outcome.
  template <typename Response>
  grpc::Status RunCommand(
      absl::string_view method,
      const std::function<absl::StatusOr<Response>()>& command,
      Response* response);
  absl::StatusOr<v1::Lead> GetLead(const v1::GetLeadRequest& request,
                                   absl::Time deadline);
  absl::StatusOr<v1::ListLeadsResponse> ListLeads(
      const v1::ListLeadsRequest& request);

  store::ReadModel* const model_;
  // Open list sessions; after model_, which it reads.
  LeadLister lister_{model_};
  LeadCommands* const commands_;
  const MasterCatalog* const masters_;
  AppliedEvents* const applied_;
  const std::function<bool()> ready_;
  const absl::Duration default_timeout_;
  eventlog::KafkaOptions kafka_;
  int partitions_ = 0;
};

template <typename Response>
grpc::Status LeadServiceImpl::RunCommand(
    absl::string_view method,
    const std::function<absl::StatusOr<Response>()>& command,
    Response* response) {
  if (!ready_()) {
    return Reply(method, absl::UnavailableError(
                             "catching up with the log; retry shortly"));
  }
  absl::StatusOr<Response> result = command();
  if (!result.ok()) return Reply(method, result.status());
  *response = *std::move(result);
  return grpc::Status::OK;
}

}  // namespace crm::leads

#endif  // CRM_SERVICES_LEADS_LEAD_SERVICE_H_
