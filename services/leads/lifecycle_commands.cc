// The lifecycle commands of LeadCommands: qualify, disqualify, reactivate,
// archive and restore. Each decides on the current lead through
// LeadCommands::Change, like an update.

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>

#include "libs/domain/errors.h"
#include "libs/domain/lead_fields.h"
#include "libs/domain/uuid.h"
#include "services/leads/lead_commands.h"

namespace crm::leads {

namespace {

// FAILED_PRECONDITION unless `lead` is open and not archived.
absl::Status RequireOpen(const v1::Lead& lead, absl::string_view action) {
  if (lead.status_category() == v1::STATUS_CATEGORY_QUALIFIED) {
    return absl::FailedPreconditionError(
        absl::StrCat("lead ", lead.id(), " is already qualified; it cannot be ",
                     action, " again without being reactivated"));
  }
  if (lead.status_category() == v1::STATUS_CATEGORY_DISQUALIFIED) {
    return absl::FailedPreconditionError(
        absl::StrCat("lead ", lead.id(),
                     " is disqualified; reactivate it before it is ", action));
  }
  if (lead.archived()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "lead ", lead.id(), " is archived; restore it before it is ", action));
  }
  return absl::OkStatus();
}

// The status to move to: the requested one, which must be of `category`,
// or the first of that category.
absl::StatusOr<std::string> ChooseStatus(const MasterCatalog& masters,
                                         const std::string& requested,
                                         v1::StatusCategory category,
                                         absl::string_view category_name) {
  if (requested.empty()) return masters.DefaultStatus(category).code();
  const v1::MasterValue* status = masters.FindStatus(requested);
  if (status == nullptr || status->category() != category) {
    return InvalidArgument(
        {{"status", absl::StrCat("must be a code of the status master of "
                                 "category ",
                                 category_name)}});
  }
  return requested;
}

Violations CheckQualifyOptions(const v1::QualifyLeadRequest& request) {
  Violations violations = CheckTarget(request.id(), request.request_id());
  const std::string& customer = request.existing_customer_id();
  if (!customer.empty() && !IsCanonicalUuid(customer)) {
    violations.push_back(
        {"existing_customer_id", "must be a UUID in canonical text form"});
  }
  if (!customer.empty() && request.create_account()) {
    violations.push_back({"existing_customer_id",
                          "cannot be combined with create_account: the "
                          "records hang from one account"});
  }
  if (request.create_opportunity() && !request.create_account() &&
      customer.empty()) {
    violations.push_back({"create_opportunity",
                          "needs an account to link to: set create_account "
                          "or existing_customer_id"});
  }
  return violations;
}

// The qualification a request asks for, with new IDs fixed now.
v1::Qualification NewQualification(const v1::QualifyLeadRequest& request) {
  const absl::Time now = absl::Now();
  v1::Qualification qualification;
  if (request.create_account()) qualification.set_account_id(NewUuidV7(now));
  if (request.create_contact()) qualification.set_contact_id(NewUuidV7(now));
  if (request.create_opportunity()) {
    qualification.set_opportunity_id(NewUuidV7(now));
  }
  qualification.set_existing_customer_id(
      absl::AsciiStrToLower(request.existing_customer_id()));
  return qualification;
}

}  // namespace

absl::StatusOr<v1::QualifyLeadResponse> LeadCommands::Qualify(
    const v1::QualifyLeadRequest& request, const CallContext& call) {
  Violations violations = CheckQualifyOptions(request);
  if (!violations.empty()) return InvalidArgument(violations);
  absl::StatusOr<std::string> status = ChooseStatus(
      *masters_, request.status(), v1::STATUS_CATEGORY_QUALIFIED, "qualified");
  if (!status.ok()) return status.status();

  const Target target = TargetOf(request, request.id());
  absl::StatusOr<v1::Lead> lead = Change(
      target, call,
      [&](const v1::Lead& current, v1::LeadEvent* event) -> absl::Status {
        if (absl::Status s = RequireOpen(current, "qualified"); !s.ok()) {
          return s;
        }
        v1::LeadQualified* qualified = event->mutable_lead_qualified();
        qualified->set_status(*status);
        *qualified->mutable_qualification() = NewQualification(request);
        *qualified->mutable_values() = SplitValues(current);
        return absl::OkStatus();
      });
  if (!lead.ok()) return lead.status();

  v1::QualifyLeadResponse response;
  response.set_account_id(lead->qualification().account_id());
  response.set_contact_id(lead->qualification().contact_id());
  response.set_opportunity_id(lead->qualification().opportunity_id());
  *response.mutable_lead() = *std::move(lead);
  return response;
}

absl::StatusOr<v1::Lead> LeadCommands::Disqualify(
    const v1::DisqualifyLeadRequest& request, const CallContext& call) {
  Violations violations = CheckTarget(request.id(), request.request_id());
  if (request.reason().empty()) {
    violations.push_back({"reason", "is required"});
  } else if (!masters_->HasDisqualificationReason(request.reason())) {
    violations.push_back(
        {"reason", "must be a code of the disqualification-reason master"});
  }
  if (!violations.empty()) return InvalidArgument(violations);
  absl::StatusOr<std::string> status =
      ChooseStatus(*masters_, request.status(),
                   v1::STATUS_CATEGORY_DISQUALIFIED, "disqualified");
  if (!status.ok()) return status.status();

  const Target target = TargetOf(request, request.id());
  return Change(
      target, call,
      [&](const v1::Lead& current, v1::LeadEvent* event) -> absl::Status {
        if (absl::Status s = RequireOpen(current, "disqualified"); !s.ok()) {
          return s;
        }
        v1::LeadDisqualified* disqualified = event->mutable_lead_disqualified();
        disqualified->set_status(*status);
        disqualified->set_reason(request.reason());
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Lead> LeadCommands::Reactivate(
    const v1::ReactivateLeadRequest& request, const CallContext& call) {
  Violations violations = CheckTarget(request.id(), request.request_id());
  if (!violations.empty()) return InvalidArgument(violations);
  absl::StatusOr<std::string> status = ChooseStatus(
      *masters_, request.status(), v1::STATUS_CATEGORY_OPEN, "open");
  if (!status.ok()) return status.status();

  const Target target = TargetOf(request, request.id());
  return Change(
      target, call,
      [&](const v1::Lead& current, v1::LeadEvent* event) -> absl::Status {
        if (current.status_category() == v1::STATUS_CATEGORY_OPEN) {
          return absl::FailedPreconditionError(
              absl::StrCat("lead ", current.id(),
                           " is open; only a qualified or disqualified lead "
                           "can be reactivated"));
        }
        event->mutable_lead_reactivated()->set_status(*status);
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::Lead> LeadCommands::Archive(
    const v1::ArchiveLeadRequest& request, const CallContext& call) {
  return SetArchived(request, true, call);
}

absl::StatusOr<v1::Lead> LeadCommands::Restore(
    const v1::RestoreLeadRequest& request, const CallContext& call) {
  return SetArchived(request, false, call);
}

template <typename Request>
absl::StatusOr<v1::Lead> LeadCommands::SetArchived(const Request& request,
                                                   bool archived,
                                                   const CallContext& call) {
  Violations violations = CheckTarget(request.id(), request.request_id());
  if (!violations.empty()) return InvalidArgument(violations);
  const Target target = TargetOf(request, request.id());
  return Change(target, call,
                [archived](const v1::Lead& current,
                           v1::LeadEvent* event) -> absl::Status {
                  if (current.archived() == archived) {
                    return absl::FailedPreconditionError(absl::StrCat(
                        "lead ", current.id(), " is ",
                        archived ? "already" : "not", " archived"));
                  }
                  if (archived) {
                    event->mutable_lead_archived();
                  } else {
                    event->mutable_lead_restored();
                  }
                  return absl::OkStatus();
                });
}

}  // namespace crm::leads
