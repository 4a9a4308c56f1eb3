#include "libs/domain/fold.h"

#include <absl/strings/str_cat.h>

#include "libs/domain/lead_fields.h"

namespace crm::leads {

std::string RefusalReason(const v1::LeadEvent& event,
                          absl::string_view record_key, const ChainHead& head) {
  if (event.lead_id() != record_key) {
    return "record key does not match the event's lead_id";
  }
  if (event.version() != head.version + 1) {
    return absl::StrCat("version ", event.version(), " does not follow ",
                        head.version);
  }
  if (event.previous_hash() != head.hash) {
    return "previous_hash is not the hash of the lead's last event";
  }
  const bool creation = event.has_lead_created();
  if (creation != (event.version() == 1)) {
    return creation ? "creation of a lead that exists"
                    : "change to a lead that does not exist";
  }
  return "";
}

absl::Status ApplyEvent(const v1::LeadEvent& event, v1::Lead* lead) {
  const std::string status_before = lead->status();
  switch (event.payload_case()) {
    case v1::LeadEvent::kLeadCreated:
      *lead = JoinValues(event.lead_created().values());
      if (!lead->has_created_at()) {
        *lead->mutable_created_at() = event.effective_at();
      }
      lead->set_status_category(v1::STATUS_CATEGORY_OPEN);
      break;
    case v1::LeadEvent::kLeadUpdated: {
      const v1::LeadUpdated& updated = event.lead_updated();
      CopyMaskedFields(JoinValues(updated.values()), updated.update_mask(),
                       lead);
      break;
    }
    case v1::LeadEvent::kLeadQualified: {
      const v1::LeadQualified& qualified = event.lead_qualified();
      lead->set_status(qualified.status());
      lead->set_status_category(v1::STATUS_CATEGORY_QUALIFIED);
      *lead->mutable_qualification() = qualified.qualification();
      *lead->mutable_qualification()->mutable_qualified_at() =
          event.effective_at();
      lead->clear_disqualification_reason();
      break;
    }
    case v1::LeadEvent::kLeadDisqualified:
      lead->set_status(event.lead_disqualified().status());
      lead->set_status_category(v1::STATUS_CATEGORY_DISQUALIFIED);
      lead->set_disqualification_reason(event.lead_disqualified().reason());
      lead->clear_qualification();
      break;
    case v1::LeadEvent::kLeadReactivated:
      lead->set_status(event.lead_reactivated().status());
      lead->set_status_category(v1::STATUS_CATEGORY_OPEN);
      lead->clear_qualification();
      lead->clear_disqualification_reason();
      break;
    case v1::LeadEvent::kLeadArchived:
      lead->set_archived(true);
      break;
    case v1::LeadEvent::kLeadRestored:
      lead->set_archived(false);
      break;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("event ", event.event_id(), " has an unknown payload"));
  }
  if (event.version() == 1 || lead->status() != status_before) {
    *lead->mutable_status_changed_at() = event.effective_at();
  }
  lead->set_id(event.lead_id());
  lead->set_version(event.version());
  *lead->mutable_modified_at() = event.recorded_at();
  return absl::OkStatus();
}

}  // namespace crm::leads
