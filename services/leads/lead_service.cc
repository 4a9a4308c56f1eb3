#include "services/leads/lead_service.h"

#include <absl/strings/ascii.h>
#include <absl/strings/escaping.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <spdlog/spdlog.h>

#include "libs/domain/errors.h"
#include "libs/domain/uuid.h"
#include "libs/rpc/status.h"

namespace crm::leads {

namespace {

constexpr int kDefaultPageSize = 100;
constexpr int kMaxPageSize = 1000;
constexpr size_t kMaxActorChars = 128;
constexpr absl::string_view kPageTokenPrefix = "after:";

// Maps `status` for the caller, logging what the caller will not see.
grpc::Status Reply(absl::string_view method, const absl::Status& status) {
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kUnknown ||
      status.code() == absl::StatusCode::kDataLoss) {
    spdlog::error("{}: {}", std::string(method), status.ToString());
  }
  return rpc::ToGrpcStatus(status);
}

absl::Status CheckLeadId(absl::string_view id, absl::string_view field) {
  if (id.empty()) return InvalidArgument({{std::string(field), "is required"}});
  if (!IsCanonicalUuid(id)) {
    return InvalidArgument(
        {{std::string(field), "must be a UUID in canonical text form"}});
  }
  return absl::OkStatus();
}

std::string PageToken(absl::string_view last_id) {
  if (last_id.empty()) return "";
  return absl::WebSafeBase64Escape(absl::StrCat(kPageTokenPrefix, last_id));
}

absl::StatusOr<std::string> AfterIdFromToken(absl::string_view token) {
  if (token.empty()) return std::string();
  std::string decoded;
  if (!absl::WebSafeBase64Unescape(token, &decoded) ||
      !absl::StartsWith(decoded, kPageTokenPrefix)) {
    return InvalidArgument(
        {{"page_token", "is not a token this service issued"}});
  }
  return decoded.substr(kPageTokenPrefix.size());
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
  if (!ready_()) {
    return Reply("CreateLead", absl::UnavailableError(
                                   "catching up with the log; retry shortly"));
  }
  absl::StatusOr<v1::Lead> lead = commands_->Create(*request, Call(*context));
  if (!lead.ok()) return Reply("CreateLead", lead.status());
  *response = *std::move(lead);
  return grpc::Status::OK;
}

grpc::Status LeadServiceImpl::UpdateLead(grpc::ServerContext* context,
                                         const v1::UpdateLeadRequest* request,
                                         v1::Lead* response) {
  if (!ready_()) {
    return Reply("UpdateLead", absl::UnavailableError(
                                   "catching up with the log; retry shortly"));
  }
  absl::StatusOr<v1::Lead> lead = commands_->Update(*request, Call(*context));
  if (!lead.ok()) return Reply("UpdateLead", lead.status());
  *response = *std::move(lead);
  return grpc::Status::OK;
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
  absl::StatusOr<std::string> after = AfterIdFromToken(request.page_token());
  if (!after.ok()) return after.status();
  const int size =
      request.page_size() == 0 ? kDefaultPageSize : request.page_size();

  absl::StatusOr<store::LeadPage> page = model_->ListLeads(*after, size);
  if (!page.ok()) return page.status();
  absl::StatusOr<int64_t> total = model_->Counter(store::kLeadsCounter);
  if (!total.ok()) return total.status();

  v1::ListLeadsResponse response;
  for (v1::Lead& lead : page->leads) *response.add_leads() = std::move(lead);
  response.set_next_page_token(PageToken(page->last_id));
  response.set_total_size(*total);
  return response;
}

}  // namespace crm::leads
