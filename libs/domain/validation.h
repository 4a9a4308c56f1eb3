#ifndef CRM_LIBS_DOMAIN_VALIDATION_H_
#define CRM_LIBS_DOMAIN_VALIDATION_H_

#include <google/protobuf/field_mask.pb.h>

#include "crm/leads/v1/lead.pb.h"
#include "libs/domain/errors.h"

namespace crm::leads {

// Largest description, in bytes.
inline constexpr size_t kMaxDescriptionBytes = 64 * 1024;

// Trims surrounding white space from every text field but the description
// and fills defaults: country "ES" for an address, currency "EUR" for an
// amount.
void NormalizeLead(v1::Lead* lead);

// Every rule `lead` breaks, with paths under "lead.". An empty result means
// the lead may be stored.
Violations ValidateLead(const v1::Lead& lead);

// Output-only fields that a request set, with paths under "lead.".
Violations CheckNoOutputOnly(const v1::Lead& lead);

// Paths of an update mask that are unknown or output only (under
// "update_mask"); an empty mask is a violation too.
Violations CheckUpdateMask(const google::protobuf::FieldMask& mask);

// Keeps the violations whose field lies under one of the mask's paths.
Violations OnlyUnderMask(const Violations& violations,
                         const google::protobuf::FieldMask& mask);

}  // namespace crm::leads

#endif  // CRM_LIBS_DOMAIN_VALIDATION_H_
