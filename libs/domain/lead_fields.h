#ifndef CRM_LIBS_DOMAIN_LEAD_FIELDS_H_
#define CRM_LIBS_DOMAIN_LEAD_FIELDS_H_

#include <string>

#include <absl/strings/string_view.h>
#include <google/protobuf/field_mask.pb.h>

#include "crm/leads/v1/events.pb.h"
#include "crm/leads/v1/lead.pb.h"

namespace crm::leads {

// Paths of the Lead fields that hold personal data: name, legal_name,
// tax_id, address.street, job_title, the phones, e-mails and webs, and
// description. Events carry them apart from the rest (LeadValues.personal).
const google::protobuf::FieldMask& PersonalFieldMask();

// True for a path that only the service sets (id, version, modified_at,
// derived values) or a path inside one.
bool IsOutputOnlyPath(absl::string_view path);

// Splits `lead` into its personal part and the rest.
v1::LeadValues SplitValues(const v1::Lead& lead);

// The lead that `values` describes: the details with the personal part
// merged in.
v1::Lead JoinValues(const v1::LeadValues& values);

// Copies the fields named by `mask` from `source` into `target`. A named
// field unset in `source` is cleared in `target`; a named message field is
// replaced as a whole.
void CopyMaskedFields(const v1::Lead& source,
                      const google::protobuf::FieldMask& mask,
                      v1::Lead* target);

// The paths of `mask` whose values differ between `before` and `after`, in
// canonical order.
google::protobuf::FieldMask ChangedPaths(
    const v1::Lead& before, const v1::Lead& after,
    const google::protobuf::FieldMask& mask);

}  // namespace crm::leads

#endif  // CRM_LIBS_DOMAIN_LEAD_FIELDS_H_
