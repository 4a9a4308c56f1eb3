#ifndef CRM_SERVICES_LEADS_LEAD_COMMANDS_H_
#define CRM_SERVICES_LEADS_LEAD_COMMANDS_H_

#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/statusor.h>
#include <absl/synchronization/mutex.h>
#include <absl/time/time.h>

#include "crm/leads/v1/lead_service.pb.h"
#include "libs/domain/masters.h"
#include "libs/eventlog/producer.h"
#include "libs/store/read_model.h"
#include "services/leads/applied_events.h"

namespace crm::leads {

// SHA-256 of `request` serialised deterministically, less its request_id:
// what tells a retry from another request that reuses its request ID.
std::string RequestDigest(const google::protobuf::Message& request);

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
// Creations that share an e-mail, phone or tax ID also run one at a time,
// so duplicate detection cannot be raced. Commands on different leads run
// concurrently and share produce requests.
//
// Thread-safe.
class LeadCommands {
 public:
  struct Options {
    // ce_source of the records this service writes.
    std::string source = "crm-leads/leads-service";
  };

  LeadCommands(store::ReadModel* model, eventlog::EventProducer* producer,
               AppliedEvents* applied, const MasterCatalog* masters,
               Options options)
      : model_(model),
        producer_(producer),
        applied_(applied),
        masters_(masters),
        options_(std::move(options)) {}

  absl::StatusOr<v1::Lead> Create(v1::CreateLeadRequest request,
                                  const CallContext& call);
  absl::StatusOr<v1::Lead> Update(v1::UpdateLeadRequest request,
                                  const CallContext& call);

  // Lifecycle (lifecycle_commands.cc).
  absl::StatusOr<v1::QualifyLeadResponse> Qualify(
      const v1::QualifyLeadRequest& request, const CallContext& call);
  absl::StatusOr<v1::Lead> Disqualify(const v1::DisqualifyLeadRequest& request,
                                      const CallContext& call);
  absl::StatusOr<v1::Lead> Reactivate(const v1::ReactivateLeadRequest& request,
                                      const CallContext& call);
  absl::StatusOr<v1::Lead> Archive(const v1::ArchiveLeadRequest& request,
                                   const CallContext& call);
  absl::StatusOr<v1::Lead> Restore(const v1::RestoreLeadRequest& request,
                                   const CallContext& call);

 private:
  static constexpr size_t kStripes = 256;

  // Decides a command on an existing lead: sets the payload of `event`
  // (whose envelope is filled), leaves it unset when the command changes
  // nothing, or returns why the command is refused.
  using Decision =
      std::function<absl::Status(const v1::Lead& current, v1::LeadEvent*)>;

  // What identifies a command on an existing lead.
  struct Target {
    std::string id;
    std::optional<int64_t> expected_version;
    std::string request_id;
    std::string digest;
  };

  // The target `id` of a request with expected_version and request_id.
  template <typename Request>
  static Target TargetOf(const Request& request, const std::string& id) {
    std::optional<int64_t> expected;
    if (request.has_expected_version()) expected = request.expected_version();
    return Target{id, expected, request.request_id(), RequestDigest(request)};
  }

  // The common path of every command on an existing lead: replay a known
  // request ID, lock the lead, load it, check expected_version, decide,
  // append and await.
  absl::StatusOr<v1::Lead> Change(const Target& target, const CallContext& call,
                                  const Decision& decide);

  // Archives (or restores) the lead a request names.
  template <typename Request>
  absl::StatusOr<v1::Lead> SetArchived(const Request& request, bool archived,
                                       const CallContext& call);

  absl::Mutex& LeadLock(const std::string& lead_id);
  // The lock of a request ID; null for an empty one (no retry to guard).
  absl::Mutex* RequestLock(const std::string& request_id);

  // Refuses a new lead that shares an e-mail, phone or tax ID with existing
  // ones (ALREADY_EXISTS with a DuplicateLeads detail).
  absl::Status CheckDuplicates(const v1::Lead& lead);

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
  const MasterCatalog* const masters_;
  const Options options_;
  std::array<absl::Mutex, kStripes> lead_locks_;
  std::array<absl::Mutex, kStripes> request_locks_;
  std::array<absl::Mutex, kStripes> duplicate_key_locks_;
};

// The lead `lead_id` as it stood at `version`, folded from its stored
// events when the read model has moved past it.
absl::StatusOr<v1::Lead> LeadAtVersion(const store::ReadModel& model,
                                       const std::string& lead_id,
                                       int64_t version);

// A request ID longer than allowed.
Violations CheckRequestId(const std::string& request_id);

// Violations of the fields every command on an existing lead shares.
Violations CheckTarget(const std::string& id, const std::string& request_id,
                       const std::string& id_field = "id");

}  // namespace crm::leads

#endif  // CRM_SERVICES_LEADS_LEAD_COMMANDS_H_
