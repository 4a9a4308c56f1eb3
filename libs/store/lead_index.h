#ifndef CRM_LIBS_STORE_LEAD_INDEX_H_
#define CRM_LIBS_STORE_LEAD_INDEX_H_

#include <string>
#include <vector>

#include <absl/status/statusor.h>
#include <absl/strings/string_view.h>

#include "crm/leads/v1/lead.pb.h"
#include "libs/store/read_model.h"

namespace crm::store {

// Stages the secondary-index entries of one change to a lead in `batch`:
// removes the entries `before` had (null for a new lead) and adds those
// `after` has. Called by the projector for every applied event, so the
// indexes are always in the same batch as the lead.
void StageIndexChanges(ReadModelBatch* batch, const leads::v1::Lead* before,
                       const leads::v1::Lead& after);

// IDs of the leads whose e-mail 1 or 2 equals `email` (compared
// lower-case), whose phone1, phone2, mobile or fax has E.164 form `e164`,
// or whose tax ID equals `tax_id` (upper-case). Each with the field that
// matched.
struct IndexMatch {
  std::string lead_id;
  std::string field;
};
absl::StatusOr<std::vector<IndexMatch>> FindByEmail(const ReadModel& model,
                                                    absl::string_view email);
absl::StatusOr<std::vector<IndexMatch>> FindByPhone(const ReadModel& model,
                                                    absl::string_view e164);
absl::StatusOr<std::vector<IndexMatch>> FindByTaxId(const ReadModel& model,
                                                    absl::string_view tax_id);

}  // namespace crm::store

#endif  // CRM_LIBS_STORE_LEAD_INDEX_H_
