#include "services/leads/masters_config.h"

#include <fstream>
#include <sstream>

#include <absl/strings/str_cat.h>

namespace crm::embedded {
extern const char kDefaultMastersJson[];
}  // namespace crm::embedded

namespace crm::leads {

absl::StatusOr<MasterCatalog> LoadMasters(const std::string& path) {
  if (path.empty())
    return MasterCatalog::FromJson(embedded::kDefaultMastersJson);
  std::ifstream in(path);
  if (!in) {
    return absl::NotFoundError(
        absl::StrCat("cannot read the masters file ", path));
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<MasterCatalog> masters = MasterCatalog::FromJson(text.str());
  if (!masters.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", masters.status().message()));
  }
  return masters;
}

}  // namespace crm::leads
