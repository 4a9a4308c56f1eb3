#ifndef CRM_LIBS_DOMAIN_VALIDATION_H_
#define CRM_LIBS_DOMAIN_VALIDATION_H_

#include <google/protobuf/field_mask.pb.h>

#include "crm/leads/v1/lead.pb.h"
#include "libs/domain/errors.h"

namespace crm::leads {

// Largest description, in bytes.
inline constexpr size_t kMaxDescriptionBytes = 64 * 1024;

// Trims surrounding white space from every text field but the description,
// fills defaults (country "ES" for an address, currency "EUR" for an
// amount) and recomputes the derived fields from the built-in reference
// data:
// - tax_id of a Spanish lead in its normal form when it is a valid NIF, NIE
//   or CIF (otherwise kept as typed, for ValidateLead to report);
// - each phone's e164 from its text, numbers without an international
//   prefix taken as of the lead's country; cleared when the text does not
//   parse;
// - address.region from a Spanish province in the table, cleared otherwise;
// - sector from a cnae class in the table, cleared otherwise;
// - economic_zone from the country (ES_SPECIAL for the Spanish provinces
//   35, 38, 51 and 52), unless economic_zone_overridden is set, which the
//   caller decides and this function only honours;
// - reference_data_version: the tables' version when region, sector or
//   economic_zone was derived, cleared otherwise.
// E-mail addresses are stored as typed (trimmed); NormalizeEmail gives the
// lower-case form they are compared and indexed by.
void NormalizeLead(v1::Lead* lead);

// Every rule `lead` breaks, with paths under "lead.". An empty result means
// the lead may be stored. Besides lengths and signs: the country is in the
// ISO 3166-1 table; for a Spanish lead (country "ES" or none) the tax ID's
// check character, a province code from the table and a postal code of
// five digits that starts with it; phones that parse, valid e-mail
// addresses, http(s) web sites; an ISO 639-1 language, a CNAE-2009 class,
// an ISO 4217 currency in use, and one of ES, ES_SPECIAL, EU, EEA_EFTA and
// ROW as an overridden economic zone. Messages state the rule, never the
// value.
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
