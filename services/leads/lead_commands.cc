#include "services/leads/lead_commands.h"

#include <functional>
#include <optional>

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/field_mask_util.h>
#include <google/protobuf/util/time_util.h>

#include "libs/domain/errors.h"
#include "libs/domain/fold.h"
#include "libs/domain/lead_fields.h"
#include "libs/domain/uuid.h"
#include "libs/domain/validation.h"
#include "libs/eventlog/record.h"

namespace crm::leads {

namespace {

using google::protobuf::util::TimeUtil;

constexpr size_t kMaxRequestIdChars = 128;

// SHA-256 of `request` serialised deterministically, less its request_id.
template <typename Request>
std::string RequestDigest(Request request) {
  request.clear_request_id();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    request.SerializeToCodedStream(&out);
  }
  return eventlog::Sha256(bytes);
}

void CheckRequestId(const std::string& request_id, Violations* violations) {
  if (request_id.size() > kMaxRequestIdChars) {
    violations->push_back({"request_id", "must be at most 128 characters"});
  }
}

google::protobuf::Timestamp ToTimestamp(absl::Time time) {
  return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(time));
}

// The envelope of a new event at `version` of `lead_id`.
v1::LeadEvent NewEvent(const std::string& lead_id, int64_t version,
                       const std::string& previous_hash,
                       const std::string& request_id, const CallContext& call) {
  const absl::Time now = absl::Now();
  v1::LeadEvent event;
  event.set_event_id(NewUuidV7(now));
  event.set_lead_id(lead_id);
  event.set_version(version);
  *event.mutable_recorded_at() = ToTimestamp(now);
  *event.mutable_effective_at() = event.recorded_at();
  event.set_actor(call.actor);
  event.set_request_id(request_id);
  event.set_correlation_id(request_id.empty() ? event.event_id() : request_id);
  event.set_previous_hash(previous_hash);
  return event;
}

Violations CheckUpdateRequest(const v1::UpdateLeadRequest& request) {
  Violations violations;
  if (request.lead().id().empty()) {
    violations.push_back({"lead.id", "is required"});
  } else if (!IsCanonicalUuid(request.lead().id())) {
    violations.push_back({"lead.id", "must be a UUID in canonical text form"});
  }
  v1::Lead without_id = request.lead();
  without_id.clear_id();
  for (Violation& v : CheckNoOutputOnly(without_id)) {
    violations.push_back(std::move(v));
  }
  for (Violation& v : CheckUpdateMask(request.update_mask())) {
    violations.push_back(std::move(v));
  }
  CheckRequestId(request.request_id(), &violations);
  return violations;
}

}  // namespace

absl::StatusOr<v1::Lead> LeadAtVersion(const store::ReadModel& model,
                                       const std::string& lead_id,
                                       int64_t version) {
  absl::StatusOr<std::optional<store::StoredLeadRecord>> current =
      model.GetLead(lead_id);
  if (!current.ok()) return current.status();
  if (!current->has_value()) {
    return absl::NotFoundError(absl::StrCat("lead ", lead_id, " not found"));
  }
  if ((*current)->lead().version() == version) return (*current)->lead();

  absl::StatusOr<std::vector<store::StoredEventRecord>> events =
      model.GetEvents(lead_id, 1, version);
  if (!events.ok()) return events.status();
  v1::Lead lead;
  for (const store::StoredEventRecord& stored : *events) {
    v1::LeadEvent event;
    if (!event.ParseFromString(stored.value())) {
      return absl::DataLossError(
          absl::StrCat("stored event of lead ", lead_id, " is undecodable"));
    }
    if (absl::Status s = ApplyEvent(event, &lead); !s.ok()) return s;
  }
  return lead;
}

absl::Mutex& LeadCommands::LeadLock(const std::string& lead_id) {
  return lead_locks_[std::hash<std::string>()(lead_id) % kStripes];
}

absl::Mutex* LeadCommands::RequestLock(const std::string& request_id) {
  if (request_id.empty()) return nullptr;
  return &request_locks_[std::hash<std::string>()(request_id) % kStripes];
}

absl::StatusOr<std::optional<v1::Lead>> LeadCommands::Replay(
    const std::string& request_id, const std::string& digest) {
  if (request_id.empty()) return std::nullopt;
  absl::StatusOr<std::optional<store::RequestRecordValue>> used =
      model_->GetRequest(request_id);
  if (!used.ok()) return used.status();
  if (!used->has_value()) return std::nullopt;
  if ((*used)->digest() != digest) {
    return InvalidArgument({{"request_id",
                             "was already used for a different request; "
                             "choose a new request_id"}});
  }
  return LeadAtVersion(*model_, (*used)->lead_id(), (*used)->version());
}

absl::StatusOr<v1::Lead> LeadCommands::AppendAndAwait(v1::LeadEvent event,
                                                      const std::string& digest,
                                                      absl::Time deadline) {
  event.set_request_digest(digest);
  std::string value = event.SerializeAsString();
  const std::string hash = eventlog::ChainHash(event.previous_hash(), value);
  const eventlog::Record record =
      eventlog::MakeRecord(event, std::move(value), hash, options_.source);

  applied_->Expect(event.event_id());
  absl::StatusOr<eventlog::Position> position =
      producer_->Append(record, deadline);
  if (!position.ok()) {
    applied_->Await(event.event_id(), absl::InfinitePast());
    return position.status();
  }

  std::optional<Outcome> outcome = applied_->Await(event.event_id(), deadline);
  if (!outcome.has_value()) {
    return absl::UnavailableError(
        absl::StrCat("the event is in the log (partition ", position->partition,
                     ", offset ", position->offset,
                     ") but was not applied before the "
                     "deadline; GetLead with min_version ",
                     event.version(), " will show it"));
  }
  if (!outcome->applied) {
    // Another writer got there first: the same request, or the same lead.
    absl::StatusOr<std::optional<v1::Lead>> replayed =
        Replay(event.request_id(), digest);
    if (!replayed.ok()) return replayed.status();
    if (replayed->has_value()) return **replayed;
    return absl::AbortedError(
        absl::StrCat("lead ", event.lead_id(), " changed concurrently (",
                     outcome->reason, "); read it again and retry"));
  }
  return LeadAtVersion(*model_, event.lead_id(), event.version());
}

absl::StatusOr<v1::Lead> LeadCommands::Create(v1::CreateLeadRequest request,
                                              const CallContext& call) {
  const std::string digest = RequestDigest(request);
  v1::Lead* lead = request.mutable_lead();
  NormalizeLead(lead);
  Violations violations = CheckNoOutputOnly(*lead);
  for (Violation& v : ValidateLead(*lead)) violations.push_back(std::move(v));
  CheckRequestId(request.request_id(), &violations);
  if (!violations.empty()) return InvalidArgument(violations);

  absl::MutexLockMaybe request_lock(RequestLock(request.request_id()));
  absl::StatusOr<std::optional<v1::Lead>> replayed =
      Replay(request.request_id(), digest);
  if (!replayed.ok()) return replayed.status();
  if (replayed->has_value()) return **replayed;

  const std::string lead_id = NewUuidV7(absl::Now());
  v1::LeadEvent event = NewEvent(lead_id, 1, "", request.request_id(), call);
  if (lead->has_created_at())
    *event.mutable_effective_at() = lead->created_at();
  *event.mutable_lead_created()->mutable_values() = SplitValues(*lead);

  absl::MutexLock lead_lock(&LeadLock(lead_id));
  return AppendAndAwait(std::move(event), digest, call.deadline);
}

absl::StatusOr<v1::Lead> LeadCommands::Update(v1::UpdateLeadRequest request,
                                              const CallContext& call) {
  const std::string digest = RequestDigest(request);
  Violations violations = CheckUpdateRequest(request);
  if (!violations.empty()) return InvalidArgument(violations);
  const std::string lead_id = absl::AsciiStrToLower(request.lead().id());
  NormalizeLead(request.mutable_lead());

  absl::MutexLockMaybe request_lock(RequestLock(request.request_id()));
  absl::StatusOr<std::optional<v1::Lead>> replayed =
      Replay(request.request_id(), digest);
  if (!replayed.ok()) return replayed.status();
  if (replayed->has_value()) return **replayed;

  absl::MutexLock lead_lock(&LeadLock(lead_id));
  absl::StatusOr<std::optional<store::StoredLeadRecord>> current =
      model_->GetLead(lead_id);
  if (!current.ok()) return current.status();
  if (!current->has_value()) {
    return absl::NotFoundError(absl::StrCat("lead ", lead_id, " not found"));
  }
  const v1::Lead& before = (*current)->lead();
  if (request.has_expected_version() &&
      request.expected_version() != before.version()) {
    return VersionConflictError(lead_id, request.expected_version(),
                                before.version());
  }

  v1::Lead after = before;
  CopyMaskedFields(request.lead(), request.update_mask(), &after);
  violations = OnlyUnderMask(ValidateLead(after), request.update_mask());
  if (!violations.empty()) return InvalidArgument(violations);
  const google::protobuf::FieldMask changed =
      ChangedPaths(before, after, request.update_mask());
  if (changed.paths().empty()) return before;

  v1::LeadEvent event =
      NewEvent(lead_id, before.version() + 1, (*current)->last_hash(),
               request.request_id(), call);
  v1::LeadUpdated* updated = event.mutable_lead_updated();
  v1::Lead changed_values = after;
  google::protobuf::util::FieldMaskUtil::TrimMessage(changed, &changed_values);
  *updated->mutable_values() = SplitValues(changed_values);
  *updated->mutable_update_mask() = changed;
  return AppendAndAwait(std::move(event), digest, call.deadline);
}

}  // namespace crm::leads
