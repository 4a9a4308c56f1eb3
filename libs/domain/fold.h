#ifndef CRM_LIBS_DOMAIN_FOLD_H_
#define CRM_LIBS_DOMAIN_FOLD_H_

#include <cstdint>
#include <string>

#include <absl/status/status.h>
#include <absl/strings/string_view.h>

#include "crm/leads/v1/events.pb.h"
#include "crm/leads/v1/lead.pb.h"

namespace crm::leads {

// Where a lead's chain stands: the version and hash of its newest accepted
// event. A lead that does not exist yet is at version 0 with an empty hash.
struct ChainHead {
  int64_t version = 0;
  std::string hash;
};

// Why `event` may not follow `head`, or an empty string when it may. This is
// the arbitration rule every replica applies: the event must name the next
// version and the head's hash, version 1 must be a creation and later
// versions must not be. `record_key` is the Kafka key it came with.
std::string RefusalReason(const v1::LeadEvent& event,
                          absl::string_view record_key, const ChainHead& head);

// Folds `event` into `lead`, which holds the state before it (empty before
// version 1). Fails, leaving `lead` unspecified, when the event has no
// payload this version of the service knows.
absl::Status ApplyEvent(const v1::LeadEvent& event, v1::Lead* lead);

}  // namespace crm::leads

#endif  // CRM_LIBS_DOMAIN_FOLD_H_
