#ifndef CRM_LIBS_STORE_LEAD_STATS_H_
#define CRM_LIBS_STORE_LEAD_STATS_H_

#include <absl/status/statusor.h>

#include "crm/leads/v1/lead.pb.h"
#include "crm/leads/v1/lead_service.pb.h"
#include "libs/store/read_model.h"

namespace crm::store {

// Stages the changes one event makes to the indicator aggregates: counts
// by creation day and grouping value, qualifications, and time spent in
// each status. `before` is null for a new lead. Called by the projector
// for every applied event, in the same batch as the lead.
void StageStatsChanges(ReadModelBatch* batch, const leads::v1::Lead* before,
                       const leads::v1::Lead& after);

// The indicators of GetLeadStats, read from the aggregates (no scan of the
// leads).
absl::StatusOr<leads::v1::GetLeadStatsResponse> ComputeStats(
    const ReadModel& model, const leads::v1::GetLeadStatsRequest& request);

}  // namespace crm::store

#endif  // CRM_LIBS_STORE_LEAD_STATS_H_
