// The lifecycle and masters methods of LeadServiceImpl.

#include "services/leads/grpc_reply.h"
#include "services/leads/lead_service.h"

namespace crm::leads {

grpc::Status LeadServiceImpl::QualifyLead(grpc::ServerContext* context,
                                          const v1::QualifyLeadRequest* request,
                                          v1::QualifyLeadResponse* response) {
  const CallContext call = Call(*context);
  return RunCommand<v1::QualifyLeadResponse>(
      "QualifyLead", [&] { return commands_->Qualify(*request, call); },
      response);
}

grpc::Status LeadServiceImpl::DisqualifyLead(
    grpc::ServerContext* context, const v1::DisqualifyLeadRequest* request,
    v1::Lead* response) {
  const CallContext call = Call(*context);
  return RunCommand<v1::Lead>(
      "DisqualifyLead", [&] { return commands_->Disqualify(*request, call); },
      response);
}

grpc::Status LeadServiceImpl::ReactivateLead(
    grpc::ServerContext* context, const v1::ReactivateLeadRequest* request,
    v1::Lead* response) {
  const CallContext call = Call(*context);
  return RunCommand<v1::Lead>(
      "ReactivateLead", [&] { return commands_->Reactivate(*request, call); },
      response);
}

grpc::Status LeadServiceImpl::ArchiveLead(grpc::ServerContext* context,
                                          const v1::ArchiveLeadRequest* request,
                                          v1::Lead* response) {
  const CallContext call = Call(*context);
  return RunCommand<v1::Lead>(
      "ArchiveLead", [&] { return commands_->Archive(*request, call); },
      response);
}

grpc::Status LeadServiceImpl::RestoreLead(grpc::ServerContext* context,
                                          const v1::RestoreLeadRequest* request,
                                          v1::Lead* response) {
  const CallContext call = Call(*context);
  return RunCommand<v1::Lead>(
      "RestoreLead", [&] { return commands_->Restore(*request, call); },
      response);
}

grpc::Status LeadServiceImpl::ListMasters(
    grpc::ServerContext* /*context*/, const v1::ListMastersRequest* /*request*/,
    v1::ListMastersResponse* response) {
  *response->mutable_masters() = masters_->masters();
  return grpc::Status::OK;
}

}  // namespace crm::leads
