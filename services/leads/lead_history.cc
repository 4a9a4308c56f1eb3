#include "services/leads/lead_history.h"

#include <algorithm>
#include <memory>
#include <utility>

#include <absl/base/internal/endian.h>
#include <absl/strings/str_cat.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/time_util.h>

#include "libs/domain/fold.h"

namespace crm::leads {

namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::Timestamp;
using google::protobuf::util::TimeUtil;

std::string SnapshotKey(absl::string_view lead_id, int64_t version) {
  char big_endian[8];
  absl::big_endian::Store64(big_endian, static_cast<uint64_t>(version));
  return absl::StrCat(lead_id, "/", absl::string_view(big_endian, 8));
}

bool NotAfter(const Timestamp& time, const Timestamp& limit) {
  return std::make_pair(time.seconds(), time.nanos()) <=
         std::make_pair(limit.seconds(), limit.nanos());
}

// The text of one scalar or leaf message value of `field` in `message`:
// numbers, booleans and enums always, so false and 0 read as such; "" for an
// empty string or an unset message.
std::string LeafText(const Message& message, const FieldDescriptor* field) {
  const Reflection* reflection = message.GetReflection();
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return reflection->GetString(message, field);
    case FieldDescriptor::CPPTYPE_BOOL:
      return reflection->GetBool(message, field) ? "true" : "false";
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(reflection->GetInt32(message, field));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(reflection->GetInt64(message, field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(reflection->GetUInt32(message, field));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(reflection->GetUInt64(message, field));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(reflection->GetDouble(message, field));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(reflection->GetFloat(message, field));
    case FieldDescriptor::CPPTYPE_ENUM:
      return reflection->GetEnum(message, field)->name();
    case FieldDescriptor::CPPTYPE_MESSAGE:
      break;
  }
  if (!reflection->HasField(message, field)) return "";
  const Message& value = reflection->GetMessage(message, field);
  if (value.GetDescriptor() == Timestamp::descriptor()) {
    return TimeUtil::ToString(static_cast<const Timestamp&>(value));
  }
  return value.ShortDebugString();
}

// Fields every event sets; the history entry carries them already.
bool IsBookkeeping(const std::string& name) {
  return name == "id" || name == "version" || name == "modified_at";
}

bool IsLeafMessage(const FieldDescriptor* field) {
  return field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
         field->message_type()->file()->package() == "google.protobuf";
}

// Appends the changed leaves of `before` and `after` (both of one type)
// under `prefix`.
void Diff(const Message& before, const Message& after,
          const std::string& prefix, std::vector<v1::FieldChange>* out) {
  const google::protobuf::Descriptor* type = before.GetDescriptor();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    const std::string path = absl::StrCat(prefix, field->name());
    if (field->is_repeated()) continue;  // Lead has no lists.
    if (prefix.empty() && IsBookkeeping(field->name())) continue;
    if (!IsLeafMessage(field)) {
      Diff(before.GetReflection()->GetMessage(before, field),
           after.GetReflection()->GetMessage(after, field),
           absl::StrCat(path, "."), out);
      continue;
    }
    std::string old_value = LeafText(before, field);
    std::string new_value = LeafText(after, field);
    if (old_value == new_value) continue;
    v1::FieldChange& change = out->emplace_back();
    change.set_path(path);
    change.set_old_value(std::move(old_value));
    change.set_new_value(std::move(new_value));
  }
}

std::string Quoted(const std::string& value) {
  return value.empty() ? "(none)" : absl::StrCat("'", value, "'");
}

absl::Status CheckVersion(const store::ReadModel& model,
                          const std::string& lead_id, int64_t version) {
  absl::StatusOr<std::optional<store::StoredLeadRecord>> current =
      model.GetLead(lead_id);
  if (!current.ok()) return current.status();
  if (!current->has_value() || version < 1) {
    return absl::NotFoundError(
        absl::StrCat("lead ", lead_id, " did not exist at version ", version));
  }
  if (version > (*current)->lead().version()) {
    return absl::OutOfRangeError(
        absl::StrCat("lead ", lead_id, " is at version ",
                     (*current)->lead().version(), ", not yet at ", version));
  }
  return absl::OkStatus();
}

// The lead's current version; NOT_FOUND when it does not exist.
absl::StatusOr<int64_t> CurrentVersion(const store::ReadModel& model,
                                       const std::string& lead_id) {
  absl::StatusOr<std::optional<store::StoredLeadRecord>> current =
      model.GetLead(lead_id);
  if (!current.ok()) return current.status();
  if (!current->has_value()) {
    return absl::NotFoundError(absl::StrCat("lead ", lead_id, " not found"));
  }
  return (*current)->lead().version();
}

// The lead after the events of `events` that `include` selects, applied in
// version order; NOT_FOUND when the creation is not among them.
absl::StatusOr<v1::Lead> FoldSelected(
    const std::string& lead_id, const std::vector<v1::LeadEvent>& events,
    const std::function<bool(const v1::LeadEvent&)>& include,
    const std::string& when) {
  v1::Lead lead;
  bool created = false;
  for (const v1::LeadEvent& event : events) {
    if (!include(event)) continue;
    if (event.version() == 1) created = true;
    if (absl::Status s = ApplyEvent(event, &lead); !s.ok()) return s;
  }
  if (!created) {
    return absl::NotFoundError(
        absl::StrCat("lead ", lead_id, " did not exist at ", when));
  }
  return lead;
}

void AddProblem(int64_t version, v1::ChainProblem::Kind kind,
                std::string detail, v1::VerifyLeadResponse* response) {
  v1::ChainProblem* problem = response->add_problems();
  problem->set_version(version);
  problem->set_kind(kind);
  problem->set_detail(std::move(detail));
}

// Checks one stored event against the record the topic holds at its
// offset. `previous` is the stored chain hash of the version before, or
// nullopt when the read model has none (then the record's own previous_hash
// stands in). Judging each event against its predecessor's stored hash, not
// a recomputed one, reports an altered event once rather than every event
// after it too. Returns whether the event checked out.
bool CheckEvent(const std::string& lead_id, int64_t version,
                const store::StoredEventRecord& stored,
                const std::optional<eventlog::Record>& record,
                const std::optional<std::string>& previous,
                v1::VerifyLeadResponse* response) {
  const std::string where = absl::StrCat("partition ", stored.partition(),
                                         " offset ", stored.offset());
  if (!record.has_value()) {
    AddProblem(version, v1::ChainProblem::MISSING,
               absl::StrCat(where, " holds no record"), response);
    return false;
  }
  v1::LeadEvent event;
  if (record->key != lead_id || !event.ParseFromString(record->value) ||
      event.lead_id() != lead_id || event.version() != version) {
    AddProblem(version, v1::ChainProblem::MISSING,
               absl::StrCat(where, " holds another event"), response);
    return false;
  }
  const std::string& chain = previous.value_or(event.previous_hash());
  const std::string hash = eventlog::ChainHash(chain, record->value);
  if (hash == stored.hash() && event.previous_hash() == chain &&
      eventlog::HeaderValue(*record, eventlog::kHashHeader) ==
          eventlog::ToHex(hash)) {
    return true;
  }
  AddProblem(version, v1::ChainProblem::ALTERED,
             absl::StrCat("the bytes at ", where,
                          " do not hash to the stored chain hash"),
             response);
  return false;
}

void AddRejected(const store::ReadModel& model, const std::string& lead_id,
                 v1::VerifyLeadResponse* response, absl::Status* status) {
  absl::StatusOr<std::vector<store::RejectedEventRecord>> rejected =
      model.Rejected();
  if (!rejected.ok()) {
    *status = rejected.status();
    return;
  }
  for (const store::RejectedEventRecord& record : *rejected) {
    if (record.lead_id() != lead_id) continue;
    v1::RejectedRecord* out = response->add_rejected();
    out->set_offset(record.offset());
    out->set_partition(record.partition());
    out->set_reason(record.reason());
  }
}

}  // namespace

void StageSnapshot(store::ReadModelBatch* batch, const v1::Lead& lead) {
  batch->Put(store::Family::kSnapshots, SnapshotKey(lead.id(), lead.version()),
             lead.SerializeAsString());
}

absl::StatusOr<std::optional<v1::Lead>> FindSnapshot(
    const store::ReadModel& model, const std::string& lead_id,
    int64_t version) {
  std::unique_ptr<rocksdb::Iterator> it =
      model.NewIterator(store::Family::kSnapshots);
  const std::string key = SnapshotKey(lead_id, version);
  it->SeekForPrev(rocksdb::Slice(key.data(), key.size()));
  if (!it->status().ok()) {
    return absl::InternalError(
        absl::StrCat("reading snapshots: ", it->status().ToString()));
  }
  const std::string prefix = absl::StrCat(lead_id, "/");
  if (!it->Valid() ||
      !it->key().starts_with(rocksdb::Slice(prefix.data(), prefix.size()))) {
    return std::nullopt;
  }
  v1::Lead lead;
  if (!lead.ParseFromArray(it->value().data(), it->value().size())) {
    return absl::DataLossError(
        absl::StrCat("snapshot of lead ", lead_id, " is undecodable"));
  }
  return lead;
}

absl::StatusOr<std::vector<v1::LeadEvent>> LoadEvents(
    const store::ReadModel& model, const std::string& lead_id, int64_t first,
    int64_t last) {
  absl::StatusOr<std::vector<store::StoredEventRecord>> stored =
      model.GetEvents(lead_id, first, last);
  if (!stored.ok()) return stored.status();
  std::vector<v1::LeadEvent> events(stored->size());
  for (size_t i = 0; i < stored->size(); ++i) {
    if (!events[i].ParseFromString((*stored)[i].value())) {
      return absl::DataLossError(
          absl::StrCat("stored event of lead ", lead_id, " is undecodable"));
    }
  }
  return events;
}

absl::StatusOr<v1::Lead> FoldToVersion(const store::ReadModel& model,
                                       const std::string& lead_id,
                                       int64_t version, bool use_snapshots) {
  if (absl::Status s = CheckVersion(model, lead_id, version); !s.ok()) return s;
  v1::Lead lead;
  if (use_snapshots) {
    absl::StatusOr<std::optional<v1::Lead>> snapshot =
        FindSnapshot(model, lead_id, version);
    if (!snapshot.ok()) return snapshot.status();
    if (snapshot->has_value()) lead = **snapshot;
  }
  absl::StatusOr<std::vector<v1::LeadEvent>> events =
      LoadEvents(model, lead_id, lead.version() + 1, version);
  if (!events.ok()) return events.status();
  for (const v1::LeadEvent& event : *events) {
    if (absl::Status s = ApplyEvent(event, &lead); !s.ok()) return s;
  }
  return lead;
}

absl::StatusOr<v1::Lead> LeadAsOf(const store::ReadModel& model,
                                  const v1::GetLeadAsOfRequest& request) {
  const std::string& id = request.id();
  if (request.as_of_case() == v1::GetLeadAsOfRequest::kVersion) {
    return FoldToVersion(model, id, request.version(), true);
  }
  absl::StatusOr<int64_t> current = CurrentVersion(model, id);
  if (!current.ok()) return current.status();
  absl::StatusOr<std::vector<v1::LeadEvent>> events =
      LoadEvents(model, id, 1, *current);
  if (!events.ok()) return events.status();
  if (request.as_of_case() == v1::GetLeadAsOfRequest::kRecordedAt) {
    const Timestamp& limit = request.recorded_at();
    return FoldSelected(
        id, *events,
        [&](const v1::LeadEvent& e) {
          return NotAfter(e.recorded_at(), limit);
        },
        TimeUtil::ToString(limit));
  }
  const Timestamp& limit = request.effective_at();
  return FoldSelected(
      id, *events,
      [&](const v1::LeadEvent& e) { return NotAfter(e.effective_at(), limit); },
      TimeUtil::ToString(limit));
}

std::vector<v1::FieldChange> DiffLeads(const v1::Lead& before,
                                       const v1::Lead& after) {
  std::vector<v1::FieldChange> changes;
  Diff(before, after, "", &changes);
  return changes;
}

std::string DescribeChange(const v1::FieldChange& change) {
  return absl::StrCat(change.path(), ": ", Quoted(change.old_value()), " -> ",
                      Quoted(change.new_value()));
}

absl::StatusOr<v1::GetLeadHistoryResponse> LeadHistory(
    const store::ReadModel& model, const std::string& lead_id, int64_t first,
    int limit) {
  absl::StatusOr<int64_t> current = CurrentVersion(model, lead_id);
  if (!current.ok()) return current.status();
  const int64_t last = std::min<int64_t>(*current, first + limit - 1);
  v1::GetLeadHistoryResponse response;
  if (first > last) return response;
  absl::StatusOr<v1::Lead> state =
      first == 1 ? v1::Lead() : FoldToVersion(model, lead_id, first - 1, true);
  if (!state.ok()) return state.status();
  absl::StatusOr<std::vector<v1::LeadEvent>> events =
      LoadEvents(model, lead_id, first, last);
  if (!events.ok()) return events.status();
  for (const v1::LeadEvent& event : *events) {
    v1::Lead after = *state;
    if (absl::Status s = ApplyEvent(event, &after); !s.ok()) return s;
    v1::HistoryEntry* entry = response.add_entries();
    entry->set_version(event.version());
    *entry->mutable_recorded_at() = event.recorded_at();
    *entry->mutable_effective_at() = event.effective_at();
    entry->set_actor(event.actor());
    entry->set_request_id(event.request_id());
    const FieldDescriptor* payload =
        event.GetReflection()->GetOneofFieldDescriptor(
            event, v1::LeadEvent::descriptor()->FindOneofByName("payload"));
    entry->set_event_type(payload->message_type()->full_name());
    for (v1::FieldChange& change : DiffLeads(*state, after)) {
      entry->add_summary(DescribeChange(change));
      *entry->add_changes() = std::move(change);
    }
    *state = std::move(after);
  }
  if (last < *current) response.set_next_page_token(absl::StrCat(last + 1));
  return response;
}

absl::StatusOr<v1::VerifyLeadResponse> VerifyLead(const store::ReadModel& model,
                                                  const std::string& lead_id,
                                                  const RecordReader& read) {
  absl::StatusOr<int64_t> current = CurrentVersion(model, lead_id);
  if (!current.ok()) return current.status();
  v1::VerifyLeadResponse response;
  std::optional<std::string> previous_hash = std::string();
  int64_t previous_offset = -1;
  for (int64_t version = 1; version <= *current; ++version) {
    absl::StatusOr<std::vector<store::StoredEventRecord>> stored =
        model.GetEvents(lead_id, version, version);
    if (!stored.ok()) return stored.status();
    if (stored->empty()) {
      AddProblem(version, v1::ChainProblem::MISSING,
                 "the read model holds no record for this version", &response);
      previous_hash.reset();
      continue;
    }
    const store::StoredEventRecord& event = stored->front();
    absl::StatusOr<std::optional<eventlog::Record>> record =
        read(event.partition(), event.offset());
    if (!record.ok()) return record.status();
    bool good =
        CheckEvent(lead_id, version, event, *record, previous_hash, &response);
    previous_hash = event.hash();
    if (event.offset() <= previous_offset) {
      AddProblem(
          version, v1::ChainProblem::REORDERED,
          absl::StrCat("offset ", event.offset(),
                       " is not after the previous event's ", previous_offset),
          &response);
      good = false;
    }
    previous_offset = event.offset();
    if (good) response.set_verified_events(response.verified_events() + 1);
  }
  absl::Status status;
  AddRejected(model, lead_id, &response, &status);
  if (!status.ok()) return status;
  response.set_ok(response.problems().empty());
  return response;
}

}  // namespace crm::leads
