#include "libs/store/lead_stats.h"

namespace crm::store {

void StageStatsChanges(ReadModelBatch* /*batch*/,
                       const leads::v1::Lead* /*before*/,
                       const leads::v1::Lead& /*after*/) {}

absl::StatusOr<leads::v1::GetLeadStatsResponse> ComputeStats(
    const ReadModel& /*model*/,
    const leads::v1::GetLeadStatsRequest& /*request*/) {
  return absl::UnimplementedError("no indicators yet");
}

}  // namespace crm::store
