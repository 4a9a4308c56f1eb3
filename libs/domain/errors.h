#ifndef CRM_LIBS_DOMAIN_ERRORS_H_
#define CRM_LIBS_DOMAIN_ERRORS_H_

#include <cstdint>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/strings/string_view.h>

namespace crm::leads {

// One broken rule of a request: the field's path in the request and the
// rule, in words. Never carries the field's value (it may be personal data).
struct Violation {
  std::string field;
  std::string description;
};

using Violations = std::vector<Violation>;

// Type URLs under which a Status carries its machine-readable detail as a
// payload; the gRPC edge copies payloads into the error details it sends.
inline constexpr absl::string_view kBadRequestTypeUrl =
    "type.googleapis.com/crm.leads.v1.BadRequest";
inline constexpr absl::string_view kVersionConflictTypeUrl =
    "type.googleapis.com/crm.leads.v1.VersionConflict";

// INVALID_ARGUMENT listing every violation in its message ("lead.name: is
// required; page_size: must be at most 1000") and as a BadRequest payload.
// `violations` must not be empty.
absl::Status InvalidArgument(const Violations& violations);

// ABORTED saying the lead is at `current`, not `expected`, with a
// VersionConflict payload.
absl::Status VersionConflictError(absl::string_view lead_id, int64_t expected,
                                  int64_t current);

}  // namespace crm::leads

#endif  // CRM_LIBS_DOMAIN_ERRORS_H_
