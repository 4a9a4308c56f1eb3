#include "libs/domain/validation.h"

#include <string>
#include <utility>

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/strip.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/field_mask_util.h>

#include "libs/domain/checks.h"
#include "libs/domain/lead_fields.h"
#include "libs/refdata/reference_data.h"

namespace crm::leads {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::FieldMask;
using google::protobuf::Message;
using google::protobuf::util::FieldMaskUtil;
using refdata::ReferenceData;

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

constexpr absl::string_view kEconomicZones[] = {"ES", "ES_SPECIAL", "EU",
                                                "EEA_EFTA", "ROW"};

// Provinces outside the EU VAT area although in Spain: Las Palmas and Santa
// Cruz de Tenerife (Canarias), Ceuta and Melilla.
constexpr absl::string_view kSpecialTaxProvinces[] = {"35", "38", "51", "52"};

// The four phones of a lead and their accessors.
struct PhoneField {
  absl::string_view name;
  bool (v1::Lead::*has)() const;
  const v1::Phone& (v1::Lead::*get)() const;
  v1::Phone* (v1::Lead::*mutable_get)();
};

constexpr PhoneField kPhoneFields[] = {
    {"phone1", &v1::Lead::has_phone1, &v1::Lead::phone1,
     &v1::Lead::mutable_phone1},
    {"phone2", &v1::Lead::has_phone2, &v1::Lead::phone2,
     &v1::Lead::mutable_phone2},
    {"mobile", &v1::Lead::has_mobile, &v1::Lead::mobile,
     &v1::Lead::mutable_mobile},
    {"fax", &v1::Lead::has_fax, &v1::Lead::fax, &v1::Lead::mutable_fax},
};

const ReferenceData& Tables() { return ReferenceData::Builtin(); }

// The lead's country, "ES" when none is given.
absl::string_view CountryOf(const v1::Lead& lead) {
  const std::string& country = lead.address().country();
  return country.empty() ? absl::string_view("ES") : country;
}

bool IsSpanish(const v1::Lead& lead) { return CountryOf(lead) == "ES"; }

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
  if (!country.empty() && Tables().FindCountry(country) == nullptr) {
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
  if (!currency.empty() && !IsCurrencyCode(currency)) {
    out->push_back({"lead.annual_revenue.currency",
                    "must be an ISO 4217 code in use such as EUR"});
  }
}

void CheckTaxId(const v1::Lead& lead, Violations* out) {
  if (!IsSpanish(lead) || lead.tax_id().empty()) return;
  const absl::StatusOr<std::string> id = NormalizeSpanishTaxId(lead.tax_id());
  if (!id.ok()) {
    out->push_back({"lead.tax_id", std::string(id.status().message())});
  }
}

// Five digits whose first two are a province code, 01 to 52.
bool IsSpanishPostalCode(absl::string_view code) {
  if (code.size() != 5) return false;
  for (char c : code) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  const int province = (code[0] - '0') * 10 + (code[1] - '0');
  return province >= 1 && province <= 52;
}

void CheckSpanishAddress(const v1::Lead& lead, Violations* out) {
  if (!IsSpanish(lead)) return;
  const v1::Address& address = lead.address();
  const bool known_province =
      Tables().FindProvince(address.province()) != nullptr;
  if (!address.province().empty() && !known_province) {
    out->push_back({"lead.address.province",
                    "must be a two-digit INE province code such as 28"});
  }
  const std::string& postal_code = address.postal_code();
  if (postal_code.empty()) return;
  if (!IsSpanishPostalCode(postal_code)) {
    out->push_back({"lead.address.postal_code",
                    "must be five digits starting with a province code "
                    "from 01 to 52"});
  } else if (known_province &&
             !absl::StartsWith(postal_code, address.province())) {
    out->push_back({"lead.address.postal_code",
                    "must start with the code of the province"});
  }
}

void CheckPhones(const v1::Lead& lead, Violations* out) {
  for (const PhoneField& field : kPhoneFields) {
    const std::string& text = (lead.*field.get)().text();
    if (!text.empty() && !NormalizePhone(text, CountryOf(lead)).ok()) {
      out->push_back({absl::StrCat("lead.", field.name, ".text"),
                      "must be a valid telephone number, with the "
                      "international prefix when not of the lead's country"});
    }
  }
}

void CheckContactAddresses(const v1::Lead& lead, Violations* out) {
  for (const auto& [path, email] : {std::pair{"lead.email1", &lead.email1()},
                                    std::pair{"lead.email2", &lead.email2()}}) {
    if (!email->empty() && !NormalizeEmail(*email).ok()) {
      out->push_back({path, "must be a valid e-mail address"});
    }
  }
  for (const auto& [path, web] : {std::pair{"lead.web1", &lead.web1()},
                                  std::pair{"lead.web2", &lead.web2()}}) {
    if (!web->empty() && !IsHttpUrl(*web)) {
      out->push_back({path, "must be one absolute http or https URL"});
    }
  }
}

bool IsEconomicZone(absl::string_view zone) {
  for (absl::string_view known : kEconomicZones) {
    if (zone == known) return true;
  }
  return false;
}

void CheckClassification(const v1::Lead& lead, Violations* out) {
  if (!lead.language().empty() && !Tables().IsLanguage(lead.language())) {
    out->push_back({"lead.language", "must be an ISO 639-1 code such as es"});
  }
  if (!lead.cnae().empty() && Tables().FindCnaeClass(lead.cnae()) == nullptr) {
    out->push_back(
        {"lead.cnae", "must be a four-digit CNAE-2009 class such as 6419"});
  }
  if (lead.economic_zone_overridden() &&
      !IsEconomicZone(lead.economic_zone())) {
    out->push_back({"lead.economic_zone",
                    "must be one of ES, ES_SPECIAL, EU, EEA_EFTA or ROW"});
  }
}

// Derived fields.

// Upper case and without separators, when it is a valid Spanish ID;
// otherwise kept as typed for validation to report.
void NormalizeTaxId(v1::Lead* lead) {
  if (!IsSpanish(*lead) || lead->tax_id().empty()) return;
  absl::StatusOr<std::string> id = NormalizeSpanishTaxId(lead->tax_id());
  if (id.ok()) lead->set_tax_id(*std::move(id));
}

void DerivePhones(v1::Lead* lead) {
  const std::string region(CountryOf(*lead));
  for (const PhoneField& field : kPhoneFields) {
    if (!(lead->*field.has)()) continue;
    v1::Phone* phone = (lead->*field.mutable_get)();
    absl::StatusOr<std::string> e164 = NormalizePhone(phone->text(), region);
    if (e164.ok()) {
      phone->set_e164(*std::move(e164));
    } else {
      phone->clear_e164();
    }
  }
}

// Returns whether a region was derived.
bool DeriveRegion(v1::Lead* lead) {
  v1::Address* address = lead->mutable_address();
  const refdata::Province* province =
      IsSpanish(*lead) ? Tables().FindProvince(address->province()) : nullptr;
  if (province == nullptr) {
    address->clear_region();
    return false;
  }
  address->mutable_region()->set_code(province->region_code);
  address->mutable_region()->set_name(province->region_name);
  return true;
}

// Returns whether a sector was derived.
bool DeriveSector(v1::Lead* lead) {
  const refdata::CnaeClass* cnae = Tables().FindCnaeClass(lead->cnae());
  if (cnae == nullptr) {
    lead->clear_sector();
    return false;
  }
  lead->mutable_sector()->set_code(cnae->section_code);
  lead->mutable_sector()->set_title(cnae->section_title);
  return true;
}

bool IsSpecialTaxProvince(absl::string_view province) {
  for (absl::string_view special : kSpecialTaxProvinces) {
    if (province == special) return true;
  }
  return false;
}

// Returns whether the zone was derived; a zone set by a user stays.
bool DeriveEconomicZone(v1::Lead* lead) {
  if (lead->economic_zone_overridden()) return false;
  const refdata::Country* country = Tables().FindCountry(CountryOf(*lead));
  if (country == nullptr) {
    lead->clear_economic_zone();
    return false;
  }
  const bool special =
      IsSpanish(*lead) && IsSpecialTaxProvince(lead->address().province());
  lead->set_economic_zone(special ? "ES_SPECIAL" : country->economic_zone);
  return true;
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
  NormalizeTaxId(lead);
  DerivePhones(lead);
  const bool region = DeriveRegion(lead);
  const bool sector = DeriveSector(lead);
  const bool zone = DeriveEconomicZone(lead);
  if (region || sector || zone) {
    lead->set_reference_data_version(Tables().version());
  } else {
    lead->clear_reference_data_version();
  }
}

Violations ValidateLead(const v1::Lead& lead) {
  Violations violations;
  CheckName(lead, &violations);
  CheckTextLimits(lead, &violations);
  CheckCodesAndCounts(lead, &violations);
  CheckTaxId(lead, &violations);
  CheckSpanishAddress(lead, &violations);
  CheckPhones(lead, &violations);
  CheckContactAddresses(lead, &violations);
  CheckClassification(lead, &violations);
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
