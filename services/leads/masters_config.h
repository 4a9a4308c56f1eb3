#ifndef CRM_SERVICES_LEADS_MASTERS_CONFIG_H_
#define CRM_SERVICES_LEADS_MASTERS_CONFIG_H_

#include <string>

#include <absl/status/statusor.h>

#include "libs/domain/masters.h"

namespace crm::leads {

// The masters from the JSON file at `path`, or the defaults compiled from
// services/leads/config/masters.json when `path` is empty.
absl::StatusOr<MasterCatalog> LoadMasters(const std::string& path);

}  // namespace crm::leads

#endif  // CRM_SERVICES_LEADS_MASTERS_CONFIG_H_
