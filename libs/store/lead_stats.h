#ifndef CRM_LIBS_STORE_LEAD_STATS_H_
#define CRM_LIBS_STORE_LEAD_STATS_H_

#include <absl/status/statusor.h>

#include "crm/leads/v1/lead.pb.h"
#include "crm/leads/v1/lead_service.pb.h"
#include "libs/store/read_model.h"

namespace crm::store {

// The indicators of the leads, kept as counters in the "stats" family and
// bucketed by the lead's creation day (the calendar day of created_at in
// Europe/Madrid, which never changes after creation). Every key starts with
// that day, so a period is one range of keys; docs/indicators.md gives the
// layout.
//
// Counts follow the current values of a lead: a change of status, source,
// agent or campaign moves it from one bucket to another, and a reactivation
// takes back its qualification. Times (creation to qualification, stays in
// a status) go into histograms with geometric buckets: each covers a ratio
// of 2^(1/8) (about 9% wide), and a median reads as the geometric middle of
// its bucket, within 2^(1/16) - 1 (about 4.4%) of the exact median.
// Durations are counted in whole milliseconds.
//
// The day needs the Europe/Madrid zone (tzdata); without it the process
// aborts rather than file counters under the wrong days.

// The relative width of a histogram bucket, as GetLeadStats reports it.
// 2^(1/8) - 1.
inline constexpr double kHistogramResolution = 0.09050773266525769;

// Stages the changes one event makes to the indicator aggregates: counts
// by creation day and grouping value, qualifications, and time spent in
// each status. `before` is null for a new lead. Called by the projector
// for every applied event, in the same batch as the lead. Reads nothing
// from the read model: everything derives from `before` and `after`, so
// several changes of one lead may share a batch.
void StageStatsChanges(ReadModelBatch* batch, const leads::v1::Lead* before,
                       const leads::v1::Lead& after);

// The indicators of GetLeadStats, read from the aggregates (no scan of the
// leads). The period is rounded to whole days: a creation day counts when
// its start (midnight in Madrid) is in [from, to). `group_by` defaults to
// the status. INVALID_ARGUMENT for an unknown grouping; UNAVAILABLE when
// RocksDB fails. Does not check that `from` precedes `to` (an empty period
// gives zeros).
absl::StatusOr<leads::v1::GetLeadStatsResponse> ComputeStats(
    const ReadModel& model, const leads::v1::GetLeadStatsRequest& request);

}  // namespace crm::store

#endif  // CRM_LIBS_STORE_LEAD_STATS_H_
