#include "services/leads/lead_service.h"

#include <absl/strings/ascii.h>
#include <absl/strings/escaping.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <spdlog/spdlog.h>

#include "libs/domain/errors.h"
#include "libs/domain/uuid.h"
#include "libs/store/lead_stats.h"
#include "services/leads/grpc_reply.h"
#include "services/leads/lead_list.h"

namespace crm::leads {

namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr size_t kMaxActorChars = 128;

absl::Status CheckLeadId(absl::string_view id, absl::string_view field) {
  if (id.empty()) return InvalidArgument({{std::string(field), "is required"}});
  if (!IsCanonicalUuid(id)) {
    return InvalidArgument(
        {{std::string(field), "must be a UUID in canonical text form"}});
  }
  return absl::OkStatus();
}

}  // namespace

CallContext LeadServiceImpl::Call(const grpc::ServerContext& context) const {
  CallContext call;
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find("x-crm-actor"); it != metadata.end()) {
    std::string actor(it->second.data(), it->second.size());
    if (!actor.empty() && actor.size() <= kMaxActorChars) {
      call.actor = std::move(actor);
    }
  }
  // Answer a little before the caller gives up, so that it hears why.
  const absl::Time now = absl::Now();
  const absl::Time caller = absl::FromChrono(context.deadline());
  const absl::Duration margin =
      std::min(absl::Milliseconds(200), (caller - now) / 10);
  call.deadline = std::min(caller - margin, now + default_timeout_);
  return call;
}

grpc::Status LeadServiceImpl::CreateLead(grpc::ServerContext* context,
                                         const v1::CreateLeadRequest* request,
                                         v1::Lead* response) {
  const CallContext call = Call(*context);
  return RunCommand<v1::Lead>(
      "CreateLead", [&] { return commands_->Create(*request, call); },
      response);
}

grpc::Status LeadServiceImpl::UpdateLead(grpc::ServerContext* context,
                                         const v1::UpdateLeadRequest* request,
                                         v1::Lead* response) {
  const CallContext call = Call(*context);
  return RunCommand<v1::Lead>(
      "UpdateLead", [&] { return commands_->Update(*request, call); },
      response);
}

grpc::Status LeadServiceImpl::GetLead(grpc::ServerContext* context,
                                      const v1::GetLeadRequest* request,
                                      v1::Lead* response) {
  absl::StatusOr<v1::Lead> lead = GetLead(*request, Call(*context).deadline);
  if (!lead.ok()) return Reply("GetLead", lead.status());
  *response = *std::move(lead);
  return grpc::Status::OK;
}

absl::StatusOr<v1::Lead> LeadServiceImpl::GetLead(
    const v1::GetLeadRequest& request, absl::Time deadline) {
  if (absl::Status s = CheckLeadId(request.id(), "id"); !s.ok()) return s;
  if (request.min_version() < 0) {
    return InvalidArgument({{"min_version", "must not be negative"}});
  }
  const std::string id = absl::AsciiStrToLower(request.id());

  while (true) {
    const uint64_t generation = applied_->Generation();
    absl::StatusOr<std::optional<store::StoredLeadRecord>> stored =
        model_->GetLead(id);
    if (!stored.ok()) return stored.status();
    const int64_t version =
        stored->has_value() ? (*stored)->lead().version() : 0;
    if (version >= request.min_version() && stored->has_value()) {
      return (*stored)->lead();
    }
    if (request.min_version() == 0) {
      return absl::NotFoundError(absl::StrCat("lead ", id, " not found"));
    }
    if (!applied_->AwaitGenerationAfter(generation, deadline)) {
      return absl::DeadlineExceededError(
          absl::StrCat("lead ", id, " is at version ", version, ", not yet at ",
                       request.min_version()));
    }
  }
}

grpc::Status LeadServiceImpl::ListLeads(grpc::ServerContext* /*context*/,
                                        const v1::ListLeadsRequest* request,
                                        v1::ListLeadsResponse* response) {
  absl::StatusOr<v1::ListLeadsResponse> page = ListLeads(*request);
  if (!page.ok()) return Reply("ListLeads", page.status());
  *response = *std::move(page);
  return grpc::Status::OK;
}

absl::StatusOr<v1::ListLeadsResponse> LeadServiceImpl::ListLeads(
    const v1::ListLeadsRequest& request) {
  if (request.page_size() < 0 || request.page_size() > kMaxPageSize) {
    return InvalidArgument({{"page_size", "must be between 0 and 1000"}});
  }
  const int size =
      request.page_size() == 0 ? kDefaultPageSize : request.page_size();
  // List sessions outlive a call; the process serves one read model, which
  // lives until it exits.
  return lister_.List(request, size);
}

grpc::Status LeadServiceImpl::GetLeadStats(
    grpc::ServerContext* /*context*/, const v1::GetLeadStatsRequest* request,
    v1::GetLeadStatsResponse* response) {
  const google::protobuf::Timestamp& from = request->from();
  const google::protobuf::Timestamp& to = request->to();
  if (request->has_from() && request->has_to() &&
      std::make_pair(to.seconds(), to.nanos()) <=
          std::make_pair(from.seconds(), from.nanos())) {
    return Reply("GetLeadStats",
                 InvalidArgument({{"to", "must be after from"}}));
  }
  absl::StatusOr<v1::GetLeadStatsResponse> stats =
      store::ComputeStats(*model_, *request);
  if (!stats.ok()) return Reply("GetLeadStats", stats.status());
  *response = *std::move(stats);
  return grpc::Status::OK;
}

}  // namespace crm::leads
