#include "libs/domain/errors.h"

#include <absl/strings/cord.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include "crm/leads/v1/errors.pb.h"

namespace crm::leads {

absl::Status InvalidArgument(const Violations& violations) {
  v1::BadRequest detail;
  std::vector<std::string> lines;
  for (const Violation& violation : violations) {
    v1::FieldViolation* field = detail.add_field_violations();
    field->set_field(violation.field);
    field->set_description(violation.description);
    lines.push_back(absl::StrCat(violation.field, ": ", violation.description));
  }

  absl::Status status(absl::StatusCode::kInvalidArgument,
                      absl::StrJoin(lines, "; "));
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(detail.SerializeAsString()));
  return status;
}

absl::Status VersionConflictError(absl::string_view lead_id, int64_t expected,
                                  int64_t current) {
  v1::VersionConflict detail;
  detail.set_lead_id(std::string(lead_id));
  detail.set_expected_version(expected);
  detail.set_current_version(current);

  absl::Status status(absl::StatusCode::kAborted,
                      absl::StrCat("lead ", lead_id, " is at version ", current,
                                   ", not the expected version ", expected,
                                   "; read it again and retry"));
  status.SetPayload(kVersionConflictTypeUrl,
                    absl::Cord(detail.SerializeAsString()));
  return status;
}

}  // namespace crm::leads
