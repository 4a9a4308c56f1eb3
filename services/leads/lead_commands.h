#ifndef CRM_SERVICES_LEADS_LEAD_COMMANDS_H_
#define CRM_SERVICES_LEADS_LEAD_COMMANDS_H_

#include <array>
#include <string>

#include <absl/status/statusor.h>
#include <absl/synchronization/mutex.h>
#include <absl/time/time.h>

#include "crm/leads/v1/lead_service.pb.h"
#include "libs/eventlog/producer.h"
#include "libs/store/read_model.h"
#include "services/leads/applied_events.h"

namespace crm::leads {

// Who is calling and until when.
struct CallContext {
  std::string actor = "anonymous";
  absl::Time deadline = absl::InfiniteFuture();
};

// Turns lead commands into events: validates, decides against the read
// model, appends to the log, and returns once the projector has applied the
// event (read-your-writes).
//
// Commands on one lead, and commands with one request ID, run one at a
// time (striped locks), so each decides on the state its predecessor left.
// Commands on different leads run concurrently and share produce requests.
//
// Thread-safe.
class LeadCommands {
 public:
  struct Options {
    // ce_source of the records this service writes.
    std::string source = "crm-leads/leads-service";
    // Longest a command waits when the caller set no deadline.
    absl::Duration default_timeout = absl::Seconds(10);
  };

  LeadCommands(store::ReadModel* model, eventlog::EventProducer* producer,
               AppliedEvents* applied, Options options)
      : model_(model),
        producer_(producer),
        applied_(applied),
        options_(std::move(options)) {}

  absl::StatusOr<v1::Lead> Create(v1::CreateLeadRequest request,
                                  const CallContext& call);

  absl::StatusOr<v1::Lead> Update(v1::UpdateLeadRequest request,
                                  const CallContext& call);

 private:
  static constexpr size_t kStripes = 256;

  absl::Mutex& LeadLock(const std::string& lead_id);
  // The lock of a request ID; null for an empty one (no retry to guard).
  absl::Mutex* RequestLock(const std::string& request_id);

  // The first result of a request ID already used, INVALID_ARGUMENT when
  // it was used for a different request, nullopt when it is new.
  absl::StatusOr<std::optional<v1::Lead>> Replay(const std::string& request_id,
                                                 const std::string& digest);

  // Appends `event` and waits for the projector's verdict.
  absl::StatusOr<v1::Lead> AppendAndAwait(v1::LeadEvent event,
                                          const std::string& digest,
                                          absl::Time deadline);

  store::ReadModel* const model_;
  eventlog::EventProducer* const producer_;
  AppliedEvents* const applied_;
  const Options options_;
  std::array<absl::Mutex, kStripes> lead_locks_;
  std::array<absl::Mutex, kStripes> request_locks_;
};

// The lead `lead_id` as it stood at `version`, folded from its stored
// events when the read model has moved past it.
absl::StatusOr<v1::Lead> LeadAtVersion(const store::ReadModel& model,
                                       const std::string& lead_id,
                                       int64_t version);

}  // namespace crm::leads

#endif  // CRM_SERVICES_LEADS_LEAD_COMMANDS_H_
