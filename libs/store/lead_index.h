#ifndef CRM_LIBS_STORE_LEAD_INDEX_H_
#define CRM_LIBS_STORE_LEAD_INDEX_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/statusor.h>
#include <absl/strings/string_view.h>
#include <google/protobuf/timestamp.pb.h>

#include "crm/leads/v1/lead.pb.h"
#include "crm/leads/v1/lead_service.pb.h"
#include "libs/store/read_model.h"

namespace crm::store {

// Secondary indexes of leads, kept in the "indexes" column family. Every
// entry is a key with an empty value; counters are 8-byte values summed on
// merge. A key starts with a one-byte tag naming its index, followed by
// components: text components are escaped (NUL becomes NUL 0xFF) and end
// with NUL 0x01, so that they sort as the text itself and never run into
// the next component; timestamps are 12 fixed bytes (seconds with the sign
// bit flipped, then nanoseconds, both big-endian). docs/read-model-indexes.md
// lists every index and its key layout.

// Stages the secondary-index entries of one change to a lead in `batch`:
// removes the entries `before` had (null for a new lead) and adds those
// `after` has, leaving the entries both have alone, and moves the lead
// between counters. Reads nothing from the read model, so several changes
// of one lead may share a batch. Called by the projector for every applied
// event, so the indexes are always in the same batch as the lead.
void StageIndexChanges(ReadModelBatch* batch, const leads::v1::Lead* before,
                       const leads::v1::Lead& after);

// IDs of the leads whose e-mail 1 or 2 equals `email` (compared
// lower-case), whose phone1, phone2, mobile or fax has E.164 form `e164`,
// or whose tax ID equals `tax_id` (compared upper-case, without spaces,
// dots or dashes). Each with the field that matched; a lead matching
// through two fields appears twice. Ordered by lead ID, then field.
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

// The forms in which the lookup indexes keep e-mail addresses (ASCII
// lower-case) and tax IDs (ASCII upper-case, spaces, dots and dashes
// removed).
std::string EmailIndexForm(absl::string_view email);
std::string TaxIdIndexForm(absl::string_view tax_id);

// Key building blocks, for readers that seek into the indexes.

// Appends `text` as a complete text component.
void AppendKeyText(absl::string_view text, std::string* key);
// Appends `text` escaped but without the terminator: every key whose
// component starts with `text` starts with the result.
void AppendKeyTextPrefix(absl::string_view text, std::string* key);
void AppendKeyTime(const google::protobuf::Timestamp& time, std::string* key);
// The smallest key greater than every key that starts with `prefix` (empty
// when there is none, which only an all-0xFF prefix has).
std::string PrefixEnd(absl::string_view prefix);

// Order indexes: one entry per lead, whose whole key is the lead's sort key
// for that order. LEAD_ORDER_UNSPECIFIED is the created order.
//   created:  'C' time(created_at) text(id)
//   modified: 'M' time(modified_at) text(id)
//   name:     'N' text(FoldForSearch(name)) text(id)
//   status:   'S' text(status) time(created_at) text(id)
std::string OrderIndexKey(leads::v1::LeadOrder order,
                          const leads::v1::Lead& lead);
// The one-byte prefix that every key of an order index starts with.
std::string OrderIndexPrefix(leads::v1::LeadOrder order);
// The start of the created or modified order's keys at `time`.
std::string TimeOrderStart(leads::v1::LeadOrder order,
                           const google::protobuf::Timestamp& time);
// The prefix of the status order's keys of leads in `status`.
std::string StatusOrderPrefix(absl::string_view status);

// Name search: the name order index, and 'K' text(FoldForSearch(company))
// text(id) for leads with a company. Prefixes of the keys of leads whose
// folded name (or company) starts with `folded_prefix`.
std::string NameSearchPrefix(absl::string_view folded_prefix);
std::string CompanySearchPrefix(absl::string_view folded_prefix);

// Lookup indexes, one entry per matching field:
//   'E' text(EmailIndexForm(email)) text(id) text(field)
//   'P' text(e164) text(id) text(field)
//   'T' text(TaxIdIndexForm(tax_id)) text(id) text(field)
// Prefixes of the entries of one value, already in index form.
std::string EmailLookupPrefix(absl::string_view email);
std::string PhoneLookupPrefix(absl::string_view e164);
std::string TaxIdLookupPrefix(absl::string_view tax_id);

// Fields with an equality index and counters. A lead has an entry for each
// field it has a value for (status_category as its enum number in decimal):
//   'F' text(field name) text(value) text(archived "0" or "1") text(id)
// and counts, by field, value and archiving, how many leads have it:
//   '#' text(field name) text(value) text(archived)
// Counters with an empty field name and value count every lead.
enum class FilterField {
  kStatus,
  kStatusCategory,
  kSource,
  kAgent,
  kCampaign,
  kInterestLevel,
};
// The value `lead` has in `field`; empty when it has none.
std::string FilterValue(FilterField field, const leads::v1::Lead& lead);
std::string FilterPrefix(FilterField field, absl::string_view value,
                         bool archived);
std::string FilterCountKey(FilterField field, absl::string_view value,
                           bool archived);
std::string AllLeadsCountKey(bool archived);
// Reads a counter at `snapshot`; 0 when absent.
absl::StatusOr<int64_t> ReadIndexCount(const ReadModel& model,
                                       absl::string_view key,
                                       const ReadModelSnapshot* snapshot);

// The lead ID in an entry key of any index above; nullopt for counter keys
// and keys that do not decode.
std::optional<std::string> LeadIdOfIndexKey(absl::string_view key);

}  // namespace crm::store

#endif  // CRM_LIBS_STORE_LEAD_INDEX_H_
