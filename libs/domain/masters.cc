#include "libs/domain/masters.h"

#include <set>

#include <absl/strings/str_cat.h>
#include <nlohmann/json.hpp>

namespace crm::leads {

namespace {

using google::protobuf::RepeatedPtrField;
using Values = RepeatedPtrField<v1::MasterValue>;

absl::StatusOr<v1::StatusCategory> ParseCategory(const std::string& text) {
  if (text == "open") return v1::STATUS_CATEGORY_OPEN;
  if (text == "qualified") return v1::STATUS_CATEGORY_QUALIFIED;
  if (text == "disqualified") return v1::STATUS_CATEGORY_DISQUALIFIED;
  return absl::InvalidArgumentError(
      absl::StrCat("masters: status category '", text,
                   "' is not one of open, qualified, disqualified"));
}

// Reads one master's array into `out`, checking its codes.
absl::Status ReadMaster(const nlohmann::json& root, const std::string& name,
                        Values* out) {
  if (!root.contains(name) || !root[name].is_array()) {
    return absl::InvalidArgumentError(
        absl::StrCat("masters: '", name, "' must be an array"));
  }
  std::set<std::string> codes;
  for (const nlohmann::json& item : root[name]) {
    v1::MasterValue* value = out->Add();
    value->set_code(item.value("code", ""));
    value->set_name_es(item.value("name_es", ""));
    value->set_name_en(item.value("name_en", ""));
    if (value->code().empty() || !codes.insert(value->code()).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("masters: every ", name, " needs a code of its own"));
    }
    if (name != "statuses") continue;
    absl::StatusOr<v1::StatusCategory> category =
        ParseCategory(item.value("category", ""));
    if (!category.ok()) return category.status();
    value->set_category(*category);
  }
  return absl::OkStatus();
}

bool Contains(const Values& values, absl::string_view code) {
  for (const v1::MasterValue& value : values) {
    if (value.code() == code) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<MasterCatalog> MasterCatalog::FromJson(absl::string_view json) {
  nlohmann::json root =
      nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (root.is_discarded() || !root.is_object()) {
    return absl::InvalidArgumentError("masters: not a JSON object");
  }
  v1::Masters masters;
  const std::pair<const char*, Values*> lists[] = {
      {"statuses", masters.mutable_statuses()},
      {"sources", masters.mutable_sources()},
      {"interest_levels", masters.mutable_interest_levels()},
      {"agents", masters.mutable_agents()},
      {"campaigns", masters.mutable_campaigns()},
      {"marketing_lists", masters.mutable_marketing_lists()},
      {"disqualification_reasons", masters.mutable_disqualification_reasons()},
  };
  for (const auto& [name, values] : lists) {
    if (absl::Status s = ReadMaster(root, name, values); !s.ok()) return s;
  }

  std::set<v1::StatusCategory> categories;
  for (const v1::MasterValue& status : masters.statuses()) {
    categories.insert(status.category());
  }
  if (categories.size() != 3) {
    return absl::InvalidArgumentError(
        "masters: statuses need at least one of each category: open, "
        "qualified, disqualified");
  }
  return MasterCatalog(std::move(masters));
}

const v1::MasterValue* MasterCatalog::FindStatus(absl::string_view code) const {
  for (const v1::MasterValue& status : masters_.statuses()) {
    if (status.code() == code) return &status;
  }
  return nullptr;
}

const v1::MasterValue& MasterCatalog::DefaultStatus(
    v1::StatusCategory category) const {
  for (const v1::MasterValue& status : masters_.statuses()) {
    if (status.category() == category) return status;
  }
  return masters_.statuses(0);  // FromJson guarantees every category.
}

Violations MasterCatalog::CheckCodes(const v1::Lead& lead) const {
  Violations violations;
  auto check = [&violations](const std::string& code, const Values& values,
                             const char* field, const char* master) {
    if (!code.empty() && !Contains(values, code)) {
      violations.push_back({absl::StrCat("lead.", field),
                            absl::StrCat("must be a code of the ", master,
                                         " master (see ListMasters)")});
    }
  };
  check(lead.status(), masters_.statuses(), "status", "status");
  check(lead.source(), masters_.sources(), "source", "source");
  check(lead.interest_level(), masters_.interest_levels(), "interest_level",
        "interest-level");
  check(lead.agent(), masters_.agents(), "agent", "agent");
  check(lead.source_campaign(), masters_.campaigns(), "source_campaign",
        "campaign");
  return violations;
}

bool MasterCatalog::HasDisqualificationReason(absl::string_view code) const {
  return Contains(masters_.disqualification_reasons(), code);
}

bool MasterCatalog::HasMarketingList(absl::string_view code) const {
  return Contains(masters_.marketing_lists(), code);
}

}  // namespace crm::leads
