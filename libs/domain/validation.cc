#include "libs/domain/validation.h"

#include <string>
#include <utility>

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/strip.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/field_mask_util.h>

#include "libs/domain/lead_fields.h"

namespace crm::leads {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::FieldMask;
using google::protobuf::Message;
using google::protobuf::util::FieldMaskUtil;

// Text fields and their longest allowed value, in characters.
constexpr std::pair<absl::string_view, size_t> kTextLimits[] = {
    {"legal_name", 200},
    {"tax_id", 32},
    {"address.street", 300},
    {"address.locality", 100},
    {"address.postal_code", 16},
    {"address.province", 100},
    {"economic_zone", 16},
    {"language", 8},
    {"interest_level", 64},
    {"job_title", 200},
    {"phone1.text", 40},
    {"phone2.text", 40},
    {"mobile.text", 40},
    {"fax.text", 40},
    {"email1", 254},
    {"email2", 254},
    {"web1", 2048},
    {"web2", 2048},
    {"company", 200},
    {"cnae", 8},
    {"source", 64},
    {"status", 64},
    {"agent", 64},
    {"source_campaign", 64},
};

constexpr size_t kMaxNameChars = 200;

size_t CountChars(absl::string_view utf8) {
  size_t count = 0;
  for (char c : utf8) {
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++count;
  }
  return count;
}

// The value of the string field at a dotted path; empty when a message on
// the way is unset.
std::string TextAt(const Message& message, absl::string_view path) {
  const Message* current = &message;
  const std::string::size_type dot = path.find('.');
  if (dot != absl::string_view::npos) {
    const FieldDescriptor* field = current->GetDescriptor()->FindFieldByName(
        std::string(path.substr(0, dot)));
    current = &current->GetReflection()->GetMessage(*current, field);
    path = path.substr(dot + 1);
  }
  const FieldDescriptor* field =
      current->GetDescriptor()->FindFieldByName(std::string(path));
  return current->GetReflection()->GetString(*current, field);
}

void TrimStrings(Message* message) {
  const auto* reflection = message->GetReflection();
  const auto* descriptor = message->GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->is_repeated() || field->name() == "description") continue;
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      std::string value = reflection->GetString(*message, field);
      const absl::string_view trimmed = absl::StripAsciiWhitespace(value);
      if (trimmed.size() != value.size()) {
        reflection->SetString(message, field, std::string(trimmed));
      }
    } else if (field->type() == FieldDescriptor::TYPE_MESSAGE &&
               reflection->HasField(*message, field)) {
      TrimStrings(reflection->MutableMessage(message, field));
    }
  }
}

bool IsUpperAlpha(absl::string_view text, size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (!absl::ascii_isupper(c)) return false;
  }
  return true;
}

void CheckName(const v1::Lead& lead, Violations* out) {
  if (lead.name().empty()) {
    out->push_back({"lead.name", "is required"});
  } else if (CountChars(lead.name()) > kMaxNameChars) {
    out->push_back({"lead.name", "must be at most 200 characters"});
  }
}

void CheckTextLimits(const v1::Lead& lead, Violations* out) {
  for (const auto& [path, limit] : kTextLimits) {
    if (CountChars(TextAt(lead, path)) > limit) {
      out->push_back({absl::StrCat("lead.", path),
                      absl::StrCat("must be at most ", limit, " characters")});
    }
  }
  if (lead.description().size() > kMaxDescriptionBytes) {
    out->push_back(
        {"lead.description",
         absl::StrCat("must be at most ", kMaxDescriptionBytes, " bytes")});
  }
}

void CheckCodesAndCounts(const v1::Lead& lead, Violations* out) {
  const std::string& country = lead.address().country();
  if (!country.empty() && !IsUpperAlpha(country, 2)) {
    out->push_back({"lead.address.country",
                    "must be an ISO 3166-1 alpha-2 code such as ES"});
  }
  if (lead.employees() < 0) {
    out->push_back({"lead.employees", "must not be negative"});
  }
  if (lead.annual_revenue().minor_units() < 0) {
    out->push_back({"lead.annual_revenue.minor_units", "must not be negative"});
  }
  const std::string& currency = lead.annual_revenue().currency();
  if (!currency.empty() && !IsUpperAlpha(currency, 3)) {
    out->push_back({"lead.annual_revenue.currency",
                    "must be an ISO 4217 code such as EUR"});
  }
}

}  // namespace

void NormalizeLead(v1::Lead* lead) {
  TrimStrings(lead);
  if (lead->address().country().empty()) {
    lead->mutable_address()->set_country("ES");
  }
  if (lead->has_annual_revenue() && lead->annual_revenue().currency().empty()) {
    lead->mutable_annual_revenue()->set_currency("EUR");
  }
}

Violations ValidateLead(const v1::Lead& lead) {
  Violations violations;
  CheckName(lead, &violations);
  CheckTextLimits(lead, &violations);
  CheckCodesAndCounts(lead, &violations);
  return violations;
}

Violations CheckNoOutputOnly(const v1::Lead& lead) {
  Violations violations;
  auto refuse = [&violations](absl::string_view path) {
    violations.push_back(
        {absl::StrCat("lead.", path), "is output only and must not be set"});
  };
  if (!lead.id().empty()) refuse("id");
  if (lead.version() != 0) refuse("version");
  if (lead.has_modified_at()) refuse("modified_at");
  if (lead.address().has_region()) refuse("address.region");
  if (lead.economic_zone_overridden()) refuse("economic_zone_overridden");
  if (lead.has_sector()) refuse("sector");
  if (!lead.phone1().e164().empty()) refuse("phone1.e164");
  if (!lead.phone2().e164().empty()) refuse("phone2.e164");
  if (!lead.mobile().e164().empty()) refuse("mobile.e164");
  if (!lead.fax().e164().empty()) refuse("fax.e164");
  if (lead.status_category() != v1::STATUS_CATEGORY_UNSPECIFIED) {
    refuse("status_category");
  }
  if (lead.archived()) refuse("archived");
  if (lead.has_qualification()) refuse("qualification");
  if (!lead.disqualification_reason().empty()) {
    refuse("disqualification_reason");
  }
  if (!lead.reference_data_version().empty()) {
    refuse("reference_data_version");
  }
  if (lead.has_status_changed_at()) refuse("status_changed_at");
  return violations;
}

Violations CheckUpdateMask(const FieldMask& mask) {
  Violations violations;
  if (mask.paths().empty()) {
    violations.push_back({"update_mask", "must name at least one field"});
  }
  for (const std::string& path : mask.paths()) {
    const std::string field = absl::StrCat("update_mask.paths[", path, "]");
    if (!FieldMaskUtil::IsValidPath<v1::Lead>(path)) {
      violations.push_back({field, "is not a field of Lead"});
    } else if (IsOutputOnlyPath(path) || path == "created_at") {
      violations.push_back({field, "names a field that cannot be changed"});
    }
  }
  return violations;
}

Violations OnlyUnderMask(const Violations& violations, const FieldMask& mask) {
  Violations kept;
  for (const Violation& violation : violations) {
    const absl::string_view path =
        absl::StripPrefix(absl::string_view(violation.field), "lead.");
    if (FieldMaskUtil::IsPathInFieldMask(std::string(path), mask)) {
      kept.push_back(violation);
    }
  }
  return kept;
}

}  // namespace crm::leads
