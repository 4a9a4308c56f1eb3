#ifndef CRM_SERVICES_LEADS_LEAD_HISTORY_H_
#define CRM_SERVICES_LEADS_LEAD_HISTORY_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/statusor.h>
#include <absl/strings/string_view.h>

#include "crm/leads/v1/events.pb.h"
#include "crm/leads/v1/lead.pb.h"
#include "crm/leads/v1/lead_service.pb.h"
#include "libs/eventlog/record.h"
#include "libs/store/read_model.h"

// A lead's past, read from its stored events: history with the values each
// event changed, the lead as of a version or a time, and verification of the
// hash chain against the topic. docs/history.md explains the design.
namespace crm::leads {

// Snapshots: the lead after version k, for every k that is a multiple of the
// projector's snapshot interval, in Family::kSnapshots under the key lead
// ID, '/', version (8 bytes, big-endian). A snapshot is only a cache of the
// fold from version 1.

// Stages the snapshot of `lead` (at lead.version()) in `batch`.
void StageSnapshot(store::ReadModelBatch* batch, const v1::Lead& lead);

// The newest snapshot of `lead_id` at or below `version`, if any.
absl::StatusOr<std::optional<v1::Lead>> FindSnapshot(
    const store::ReadModel& model, const std::string& lead_id, int64_t version);

// The events of `lead_id` with versions in [first, last], decoded.
absl::StatusOr<std::vector<v1::LeadEvent>> LoadEvents(
    const store::ReadModel& model, const std::string& lead_id, int64_t first,
    int64_t last);

// The lead after `version`, folded from version 1, or from the newest
// snapshot at or below it when `use_snapshots`. NOT_FOUND for a lead that
// does not exist, OUT_OF_RANGE for a version it has not reached.
absl::StatusOr<v1::Lead> FoldToVersion(const store::ReadModel& model,
                                       const std::string& lead_id,
                                       int64_t version, bool use_snapshots);

// GetLeadAsOf on a validated request (canonical, lower-case ID, a set
// as_of). NOT_FOUND when the lead did not exist then.
absl::StatusOr<v1::Lead> LeadAsOf(const store::ReadModel& model,
                                  const v1::GetLeadAsOfRequest& request);

// The leaf fields of Lead whose values differ between `before` and
// `after`, in field order. Messages are compared field by field, except
// google.protobuf ones (timestamps), which are leaves. The fields every
// event sets (id, version, modified_at) are left out.
std::vector<v1::FieldChange> DiffLeads(const v1::Lead& before,
                                       const v1::Lead& after);

// "name: 'Acme' -> 'Acme Iberia'"; an empty value (an empty string or an
// unset message) reads as (none).
std::string DescribeChange(const v1::FieldChange& change);

// One page of a lead's history: events with versions from `first`, at most
// `limit` of them. NOT_FOUND for a lead that does not exist. The page token
// of the response is the next version, when more follow.
absl::StatusOr<v1::GetLeadHistoryResponse> LeadHistory(
    const store::ReadModel& model, const std::string& lead_id, int64_t first,
    int limit);

// Where the verifier reads a record: the record at `offset` of `partition`,
// or nullopt when the topic holds none there.
using RecordReader =
    std::function<absl::StatusOr<std::optional<eventlog::Record>>(
        int32_t partition, int64_t offset)>;

// Recomputes the hash chain of `lead_id` from the bytes `read` returns at
// the offsets of its stored events, and lists its rejected events.
absl::StatusOr<v1::VerifyLeadResponse> VerifyLead(const store::ReadModel& model,
                                                  const std::string& lead_id,
                                                  const RecordReader& read);

}  // namespace crm::leads

#endif  // CRM_SERVICES_LEADS_LEAD_HISTORY_H_
