#include "libs/domain/lead_fields.h"

#include <array>

#include <absl/strings/match.h>
#include <google/protobuf/util/field_mask_util.h>
#include <google/protobuf/util/message_differencer.h>

namespace crm::leads {

namespace {

using google::protobuf::FieldMask;
using google::protobuf::util::FieldMaskUtil;
using google::protobuf::util::MessageDifferencer;

constexpr std::array<absl::string_view, 14> kPersonalPaths = {
    "name",   "legal_name", "tax_id", "address.street", "job_title", "phone1",
    "phone2", "mobile",     "fax",    "email1",         "email2",    "web1",
    "web2",   "description"};

constexpr std::array<absl::string_view, 16> kOutputOnlyPaths = {
    "id",
    "version",
    "modified_at",
    "address.region",
    "economic_zone_overridden",
    "sector",
    "phone1.e164",
    "phone2.e164",
    "mobile.e164",
    "fax.e164",
    "status_category",
    "archived",
    "qualification",
    "disqualification_reason",
    "reference_data_version",
    "status_changed_at"};

FieldMask MaskOf(const auto& paths) {
  FieldMask mask;
  for (absl::string_view path : paths) mask.add_paths(std::string(path));
  return mask;
}

const FieldMask& DetailsFieldMask() {
  static const FieldMask* const mask = [] {
    auto* result = new FieldMask;
    FieldMaskUtil::Subtract<v1::Lead>(
        FieldMaskUtil::GetFieldMaskForAllFields<v1::Lead>(),
        PersonalFieldMask(), result);
    return result;
  }();
  return *mask;
}

}  // namespace

const FieldMask& PersonalFieldMask() {
  static const FieldMask* const mask = new FieldMask(MaskOf(kPersonalPaths));
  return *mask;
}

bool IsOutputOnlyPath(absl::string_view path) {
  for (absl::string_view output_only : kOutputOnlyPaths) {
    if (path == output_only) return true;
    if (absl::StartsWith(path, output_only) &&
        path[output_only.size()] == '.') {
      return true;
    }
  }
  return false;
}

v1::LeadValues SplitValues(const v1::Lead& lead) {
  v1::LeadValues values;
  *values.mutable_personal() = lead;
  FieldMaskUtil::TrimMessage(PersonalFieldMask(), values.mutable_personal());
  *values.mutable_details() = lead;
  FieldMaskUtil::TrimMessage(DetailsFieldMask(), values.mutable_details());
  return values;
}

v1::Lead JoinValues(const v1::LeadValues& values) {
  v1::Lead lead = values.details();
  lead.MergeFrom(values.personal());
  return lead;
}

void CopyMaskedFields(const v1::Lead& source, const FieldMask& mask,
                      v1::Lead* target) {
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(source, mask, options, target);
}

FieldMask ChangedPaths(const v1::Lead& before, const v1::Lead& after,
                       const FieldMask& mask) {
  FieldMask canonical;
  FieldMaskUtil::ToCanonicalForm(mask, &canonical);

  FieldMask changed;
  for (const std::string& path : canonical.paths()) {
    FieldMask one;
    one.add_paths(path);
    v1::Lead old_value = before;
    v1::Lead new_value = after;
    FieldMaskUtil::TrimMessage(one, &old_value);
    FieldMaskUtil::TrimMessage(one, &new_value);
    if (!MessageDifferencer::Equals(old_value, new_value)) {
      changed.add_paths(path);
    }
  }
  return changed;
}

}  // namespace crm::leads
