#include "services/leads/lead_commands.h"

#include <memory>
#include <optional>
#include <set>

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/field_mask_util.h>
#include <google/protobuf/util/time_util.h>

#include "crm/leads/v1/errors.pb.h"
#include "libs/domain/errors.h"
#include "libs/domain/fold.h"
#include "libs/domain/lead_fields.h"
#include "libs/domain/uuid.h"
#include "libs/domain/validation.h"
#include "libs/eventlog/record.h"
#include "libs/store/lead_index.h"

namespace crm::leads {

namespace {

using google::protobuf::FieldMask;
using google::protobuf::util::FieldMaskUtil;
using google::protobuf::util::TimeUtil;

constexpr size_t kMaxRequestIdChars = 128;

// Fields the service derives; an update's event names those that changed.
constexpr const char* kDerivedPaths[] = {
    "address.region",        "sector",
    "economic_zone",         "economic_zone_overridden",
    "phone1.e164",           "phone2.e164",
    "mobile.e164",           "fax.e164",
    "reference_data_version"};

constexpr absl::string_view kDuplicateTypeUrl =
    "type.googleapis.com/crm.leads.v1.DuplicateLeads";

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

void Append(Violations violations, Violations* out) {
  for (Violation& v : violations) out->push_back(std::move(v));
}

// A back-dated effective time may be any past moment, never a future one.
Violations CheckEffectiveAt(bool present,
                            const google::protobuf::Timestamp& effective_at) {
  if (!present) return {};
  if (effective_at.nanos() < 0 || effective_at.nanos() >= 1000000000 ||
      effective_at.seconds() < TimeUtil::kTimestampMinSeconds) {
    return {{"effective_at", "is not a valid time"}};
  }
  const google::protobuf::Timestamp now = ToTimestamp(absl::Now());
  if (std::make_pair(effective_at.seconds(), effective_at.nanos()) >
      std::make_pair(now.seconds(), now.nanos())) {
    return {{"effective_at", "must not be in the future"}};
  }
  return {};
}

Violations CheckUpdateRequest(const v1::UpdateLeadRequest& request) {
  Violations violations =
      CheckTarget(request.lead().id(), request.request_id(), "lead.id");
  v1::Lead without_id = request.lead();
  without_id.clear_id();
  Append(CheckNoOutputOnly(without_id), &violations);
  Append(CheckUpdateMask(request.update_mask()), &violations);
  Append(CheckEffectiveAt(request.has_effective_at(), request.effective_at()),
         &violations);
  return violations;
}

// The user's mask plus every derived path: what an update may change.
FieldMask WithDerivedPaths(const FieldMask& mask) {
  FieldMask all = mask;
  for (const char* path : kDerivedPaths) all.add_paths(path);
  return all;
}

// The mask under which an update's violations are reported: the address
// is checked as a whole (its postal code must agree with its province)
// when any part of it changes.
FieldMask WithRelatedPaths(const FieldMask& mask) {
  FieldMask related = mask;
  for (const std::string& path : mask.paths()) {
    if (absl::StartsWith(path, "address.")) related.add_paths("address");
  }
  return related;
}

// A closed (qualified or disqualified) lead takes only what goes on around
// it: the description and consent withdrawals.
absl::Status CheckClosedLeadChange(const v1::Lead& before,
                                   const v1::Lead& after,
                                   const FieldMask& changed) {
  std::vector<std::string> refused;
  for (const std::string& path : changed.paths()) {
    if (path == "description") continue;
    if (absl::StartsWith(path, "allow_")) {
      const auto* field = v1::Lead::descriptor()->FindFieldByName(path);
      if (!after.GetReflection()->GetBool(after, field)) continue;
    }
    refused.push_back(path);
  }
  if (refused.empty()) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "lead ", before.id(), " is ",
      before.status_category() == v1::STATUS_CATEGORY_QUALIFIED
          ? "qualified"
          : "disqualified",
      ": reactivate it before changing ", absl::StrJoin(refused, ", "),
      " (the description and consent withdrawals are always accepted)"));
}

// Normal forms of the values duplicate detection compares.
struct DuplicateKeys {
  std::vector<std::string> emails;
  std::vector<std::string> phones;
  std::string tax_id;

  std::vector<std::string> All() const {
    std::vector<std::string> keys;
    for (const std::string& e : emails) keys.push_back("email:" + e);
    for (const std::string& p : phones) keys.push_back("phone:" + p);
    if (!tax_id.empty()) keys.push_back("tax:" + tax_id);
    return keys;
  }
};

DuplicateKeys KeysOf(const v1::Lead& lead) {
  DuplicateKeys keys;
  for (const std::string& email : {lead.email1(), lead.email2()}) {
    if (!email.empty()) keys.emails.push_back(absl::AsciiStrToLower(email));
  }
  for (const v1::Phone* phone :
       {&lead.phone1(), &lead.phone2(), &lead.mobile(), &lead.fax()}) {
    if (!phone->e164().empty()) keys.phones.push_back(phone->e164());
  }
  keys.tax_id = absl::AsciiStrToUpper(lead.tax_id());
  return keys;
}

absl::Status DuplicateError(const std::vector<store::IndexMatch>& matches) {
  v1::DuplicateLeads detail;
  std::vector<std::string> lines;
  for (const store::IndexMatch& match : matches) {
    v1::DuplicateMatch* entry = detail.add_matches();
    entry->set_lead_id(match.lead_id);
    entry->set_field(match.field);
    lines.push_back(absl::StrCat(match.lead_id, " (", match.field, ")"));
  }
  absl::Status status(
      absl::StatusCode::kAlreadyExists,
      absl::StrCat("the lead matches existing leads by e-mail, phone or tax "
                   "ID: ",
                   absl::StrJoin(lines, ", "),
                   "; set allow_duplicate to create it anyway"));
  status.SetPayload(kDuplicateTypeUrl, absl::Cord(detail.SerializeAsString()));
  return status;
}

}  // namespace

std::string RequestDigest(const google::protobuf::Message& request) {
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  const auto* field = copy->GetDescriptor()->FindFieldByName("request_id");
  if (field != nullptr) copy->GetReflection()->ClearField(copy.get(), field);

  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&out);
  }
  return eventlog::Sha256(bytes);
}

Violations CheckRequestId(const std::string& request_id) {
  if (request_id.size() <= kMaxRequestIdChars) return {};
  return {{"request_id", "must be at most 128 characters"}};
}

Violations CheckTarget(const std::string& id, const std::string& request_id,
                       const std::string& id_field) {
  Violations violations;
  if (id.empty()) {
    violations.push_back({id_field, "is required"});
  } else if (!IsCanonicalUuid(id)) {
    violations.push_back({id_field, "must be a UUID in canonical text form"});
  }
  Append(CheckRequestId(request_id), &violations);
  return violations;
}

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
                     ") but was not applied before the deadline; GetLead with "
                     "min_version ",
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

absl::StatusOr<v1::Lead> LeadCommands::Change(const Target& target,
                                              const CallContext& call,
                                              const Decision& decide) {
  const std::string lead_id = absl::AsciiStrToLower(target.id);
  absl::MutexLockMaybe request_lock(RequestLock(target.request_id));
  absl::StatusOr<std::optional<v1::Lead>> replayed =
      Replay(target.request_id, target.digest);
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
  if (target.expected_version.has_value() &&
      *target.expected_version != before.version()) {
    return VersionConflictError(lead_id, *target.expected_version,
                                before.version());
  }

  v1::LeadEvent event =
      NewEvent(lead_id, before.version() + 1, (*current)->last_hash(),
               target.request_id, call);
  if (absl::Status s = decide(before, &event); !s.ok()) return s;
  if (event.payload_case() == v1::LeadEvent::PAYLOAD_NOT_SET) return before;
  return AppendAndAwait(std::move(event), target.digest, call.deadline);
}

absl::Status LeadCommands::CheckDuplicates(const v1::Lead& lead) {
  const DuplicateKeys keys = KeysOf(lead);
  std::vector<store::IndexMatch> matches;
  auto collect = [&](absl::StatusOr<std::vector<store::IndexMatch>> found) {
    if (!found.ok()) return found.status();
    for (store::IndexMatch& match : *found) matches.push_back(match);
    return absl::OkStatus();
  };
  for (const std::string& email : keys.emails) {
    if (auto s = collect(store::FindByEmail(*model_, email)); !s.ok()) return s;
  }
  for (const std::string& phone : keys.phones) {
    if (auto s = collect(store::FindByPhone(*model_, phone)); !s.ok()) return s;
  }
  if (!keys.tax_id.empty()) {
    if (auto s = collect(store::FindByTaxId(*model_, keys.tax_id)); !s.ok()) {
      return s;
    }
  }
  if (matches.empty()) return absl::OkStatus();
  return DuplicateError(matches);
}

absl::StatusOr<v1::Lead> LeadCommands::Create(v1::CreateLeadRequest request,
                                              const CallContext& call) {
  const std::string digest = RequestDigest(request);
  v1::Lead* lead = request.mutable_lead();
  Violations violations = CheckNoOutputOnly(*lead);
  lead->set_economic_zone_overridden(!lead->economic_zone().empty());
  if (lead->status().empty()) {
    lead->set_status(masters_->DefaultStatus(v1::STATUS_CATEGORY_OPEN).code());
  }
  NormalizeLead(lead);
  Append(ValidateLead(*lead), &violations);
  Append(masters_->CheckCodes(*lead), &violations);
  const v1::MasterValue* status = masters_->FindStatus(lead->status());
  if (status != nullptr && status->category() != v1::STATUS_CATEGORY_OPEN) {
    violations.push_back({"lead.status",
                          "must be an open status; use QualifyLead or "
                          "DisqualifyLead to close a lead"});
  }
  Append(CheckRequestId(request.request_id()), &violations);
  Append(CheckEffectiveAt(request.has_effective_at(), request.effective_at()),
         &violations);
  if (!violations.empty()) return InvalidArgument(violations);

  absl::MutexLockMaybe request_lock(RequestLock(request.request_id()));
  absl::StatusOr<std::optional<v1::Lead>> replayed =
      Replay(request.request_id(), digest);
  if (!replayed.ok()) return replayed.status();
  if (replayed->has_value()) return **replayed;

  // Creations sharing a key run one at a time, so both cannot pass.
  std::set<size_t> stripes;
  for (const std::string& key : KeysOf(*lead).All()) {
    stripes.insert(std::hash<std::string>()(key) % kStripes);
  }
  std::vector<std::unique_ptr<absl::MutexLock>> key_locks;
  for (size_t stripe : stripes) {
    key_locks.push_back(
        std::make_unique<absl::MutexLock>(&duplicate_key_locks_[stripe]));
  }
  if (!request.allow_duplicate()) {
    if (absl::Status s = CheckDuplicates(*lead); !s.ok()) return s;
  }

  const std::string lead_id = NewUuidV7(absl::Now());
  v1::LeadEvent event = NewEvent(lead_id, 1, "", request.request_id(), call);
  if (request.has_effective_at()) {
    *event.mutable_effective_at() = request.effective_at();
  } else if (lead->has_created_at()) {
    *event.mutable_effective_at() = lead->created_at();
  }
  *event.mutable_lead_created()->mutable_values() = SplitValues(*lead);

  absl::MutexLock lead_lock(&LeadLock(lead_id));
  return AppendAndAwait(std::move(event), digest, call.deadline);
}

absl::StatusOr<v1::Lead> LeadCommands::Update(v1::UpdateLeadRequest request,
                                              const CallContext& call) {
  Violations violations = CheckUpdateRequest(request);
  if (!violations.empty()) return InvalidArgument(violations);
  const FieldMask& mask = request.update_mask();
  const Target target = TargetOf(request, request.lead().id());

  return Change(
      target, call,
      [&](const v1::Lead& before, v1::LeadEvent* event) -> absl::Status {
        v1::Lead after = before;
        CopyMaskedFields(request.lead(), mask, &after);
        if (FieldMaskUtil::IsPathInFieldMask("economic_zone", mask)) {
          after.set_economic_zone_overridden(!after.economic_zone().empty());
        }
        NormalizeLead(&after);
        Violations found = ValidateLead(after);
        Append(masters_->CheckCodes(after), &found);
        found = OnlyUnderMask(found, WithRelatedPaths(mask));
        if (!found.empty()) return InvalidArgument(found);

        const FieldMask changed =
            ChangedPaths(before, after, WithDerivedPaths(mask));
        if (changed.paths().empty()) return absl::OkStatus();
        if (before.status_category() != v1::STATUS_CATEGORY_OPEN) {
          if (auto s = CheckClosedLeadChange(before, after, changed); !s.ok()) {
            return s;
          }
        }
        const v1::MasterValue* status = masters_->FindStatus(after.status());
        if (FieldMaskUtil::IsPathInFieldMask("status", changed) &&
            status != nullptr &&
            status->category() != v1::STATUS_CATEGORY_OPEN) {
          return InvalidArgument({{"lead.status",
                                   "must be an open status; use QualifyLead or "
                                   "DisqualifyLead to close a lead"}});
        }

        v1::Lead changed_values = after;
        FieldMaskUtil::TrimMessage(changed, &changed_values);
        if (request.has_effective_at()) {
          *event->mutable_effective_at() = request.effective_at();
        }
        v1::LeadUpdated* updated = event->mutable_lead_updated();
        *updated->mutable_values() = SplitValues(changed_values);
        *updated->mutable_update_mask() = changed;
        return absl::OkStatus();
      });
}

}  // namespace crm::leads
