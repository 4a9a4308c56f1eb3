#ifndef CRM_LIBS_LEADTEXT_LEAD_TEXT_H_
#define CRM_LIBS_LEADTEXT_LEAD_TEXT_H_

#include <string>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <absl/strings/string_view.h>
#include <google/protobuf/timestamp.pb.h>

#include "crm/leads/v1/lead.pb.h"

namespace crm::leadtext {

// Checks that `path` names a field of Lead that SetLeadField can set: a
// dotted path ("name", "address.street", "phone1.text") ending in a scalar,
// an enum, or a Phone, Money or Timestamp field. Otherwise INVALID_ARGUMENT
// naming the path. Output-only fields pass: the service refuses them.
absl::Status CheckLeadPath(absl::string_view path);

// Sets the field of `lead` at `path` from its text form:
//  - string: the text as given;
//  - int64 / int32: a whole number in decimal ("250", "-3");
//  - bool: true/false, yes/no, si/sí, 1/0, in any case;
//  - enum: the full value name ("PREFERRED_CONTACT_EMAIL") or its suffix
//    after the enum's prefix ("email"), in any case;
//  - Phone: the text goes to Phone.text;
//  - Money: "1234.56", "1234.56 EUR" or "EUR 1234.56", at most two
//    decimals, into minor units and an upper-case currency (left empty when
//    the text gives none);
//  - Timestamp: RFC 3339 with an offset or "Z" ("2024-03-01T09:30:00+01:00"),
//    or a date "YYYY-MM-DD" meaning midnight in Europe/Madrid.
// Surrounding spaces are ignored except for strings. An empty text (for a
// non-string field, one of spaces only) leaves the field unset: it clears a
// set value and creates no enclosing message.
// Errors: INVALID_ARGUMENT naming the path, for an unknown path or a text the
// field cannot take; `lead` is then unchanged.
absl::Status SetLeadField(crm::leads::v1::Lead* lead, absl::string_view path,
                          absl::string_view text);

// The text form SetLeadField reads back to the same instant: RFC 3339 in
// Europe/Madrid time with its offset ("2012-02-09T00:00:00+01:00"), with
// fractional seconds only when there are any.
std::string TimestampToText(const google::protobuf::Timestamp& timestamp);

// How LeadToJson lays out its output.
enum class JsonLayout {
  kPretty,   // indented, over several lines
  kOneLine,  // a single line, for JSON Lines output
};

// The JSON form of any message with the proto field names; with
// `with_defaults`, fields at their default value are printed too.
// INVALID_ARGUMENT if a value has no JSON form.
absl::StatusOr<std::string> MessageToJson(
    const google::protobuf::Message& message,
    JsonLayout layout = JsonLayout::kPretty, bool with_defaults = false);

// The JSON form of `lead` with the proto field names ("postal_code", not
// "postalCode"); unset fields are left out. INVALID_ARGUMENT if a value has
// no JSON form (a timestamp outside years 1 to 9999).
absl::StatusOr<std::string> LeadToJson(const crm::leads::v1::Lead& lead,
                                       JsonLayout layout = JsonLayout::kPretty);

}  // namespace crm::leadtext

#endif  // CRM_LIBS_LEADTEXT_LEAD_TEXT_H_
