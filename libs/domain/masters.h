#ifndef CRM_LIBS_DOMAIN_MASTERS_H_
#define CRM_LIBS_DOMAIN_MASTERS_H_

#include <string>

#include <absl/status/statusor.h>
#include <absl/strings/string_view.h>

#include "crm/leads/v1/lead.pb.h"
#include "crm/leads/v1/masters.pb.h"
#include "libs/domain/errors.h"

namespace crm::leads {

// The configured masters, checked for consistency: codes unique and
// non-empty within each master, every status with a category, at least one
// status of each category. Immutable once loaded; thread-safe.
class MasterCatalog {
 public:
  // Parses the JSON configuration (services/leads/config/masters.json shows
  // the shape: one array per master of {code, name_es, name_en}, statuses
  // with a category of "open", "qualified" or "disqualified").
  static absl::StatusOr<MasterCatalog> FromJson(absl::string_view json);

  const v1::Masters& masters() const { return masters_; }

  // The status with `code`, or null.
  const v1::MasterValue* FindStatus(absl::string_view code) const;

  // The first status of `category`, in configuration order.
  const v1::MasterValue& DefaultStatus(v1::StatusCategory category) const;

  // Violations for lead fields that name unknown codes (status, source,
  // interest_level, agent, source_campaign), paths under "lead.".
  Violations CheckCodes(const v1::Lead& lead) const;

  bool HasDisqualificationReason(absl::string_view code) const;
  bool HasMarketingList(absl::string_view code) const;

 private:
  explicit MasterCatalog(v1::Masters masters) : masters_(std::move(masters)) {}

  v1::Masters masters_;
};

}  // namespace crm::leads

#endif  // CRM_LIBS_DOMAIN_MASTERS_H_
