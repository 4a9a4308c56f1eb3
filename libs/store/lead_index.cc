#include "libs/store/lead_index.h"

namespace crm::store {

void StageIndexChanges(ReadModelBatch* /*batch*/,
                       const leads::v1::Lead* /*before*/,
                       const leads::v1::Lead& /*after*/) {}

absl::StatusOr<std::vector<IndexMatch>> FindByEmail(
    const ReadModel& /*model*/, absl::string_view /*email*/) {
  return absl::UnimplementedError("no e-mail index");
}

absl::StatusOr<std::vector<IndexMatch>> FindByPhone(
    const ReadModel& /*model*/, absl::string_view /*e164*/) {
  return absl::UnimplementedError("no phone index");
}

absl::StatusOr<std::vector<IndexMatch>> FindByTaxId(
    const ReadModel& /*model*/, absl::string_view /*tax_id*/) {
  return absl::UnimplementedError("no tax ID index");
}

}  // namespace crm::store
