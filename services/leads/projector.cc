#include "services/leads/projector.h"

#include <set>
#include <string>
#include <utility>

#include <absl/strings/str_cat.h>
#include <spdlog/spdlog.h>

#include "libs/domain/fold.h"
#include "libs/store/lead_index.h"
#include "libs/store/lead_stats.h"
#include "services/leads/lead_history.h"

namespace crm::leads {

namespace {

using eventlog::Record;
using store::StoredLeadRecord;

// Folds the records of one batch, seeing the batch's own earlier writes
// before the read model's committed state.
class BatchFold {
 public:
  BatchFold(store::ReadModel* model, store::ReadModelBatch* batch,
            int64_t snapshot_every)
      : model_(model), batch_(batch), snapshot_every_(snapshot_every) {}

  // Decides and stages one record; returns its event ID and outcome.
  absl::StatusOr<std::pair<std::string, Outcome>> Fold(const Record& record);

  int64_t created() const { return created_; }

  int64_t rejected() const { return rejected_; }

 private:
  absl::StatusOr<StoredLeadRecord> Head(const std::string& lead_id);
  absl::StatusOr<std::string> Refusal(const Record& record,
                                      const v1::LeadEvent& event,
                                      const StoredLeadRecord& head,
                                      const std::string& hash);
  void Accept(const Record& record, const v1::LeadEvent& event,
              StoredLeadRecord head, std::string hash);
  void Reject(const Record& record, const v1::LeadEvent& event,
              const std::string& reason);

  store::ReadModel* const model_;
  store::ReadModelBatch* const batch_;
  const int64_t snapshot_every_;
  std::map<std::string, StoredLeadRecord> heads_;
  std::set<std::string> requests_;
  int64_t created_ = 0;
  int64_t rejected_ = 0;
};

absl::StatusOr<StoredLeadRecord> BatchFold::Head(const std::string& lead_id) {
  if (auto it = heads_.find(lead_id); it != heads_.end()) return it->second;
  absl::StatusOr<std::optional<StoredLeadRecord>> stored =
      model_->GetLead(lead_id);
  if (!stored.ok()) return stored.status();
  return stored->value_or(StoredLeadRecord());
}

absl::StatusOr<std::string> BatchFold::Refusal(const Record& record,
                                               const v1::LeadEvent& event,
                                               const StoredLeadRecord& head,
                                               const std::string& hash) {
  std::string reason = RefusalReason(
      event, record.key, ChainHead{head.lead().version(), head.last_hash()});
  if (!reason.empty()) return reason;

  const absl::string_view header =
      eventlog::HeaderValue(record, eventlog::kHashHeader);
  if (header != eventlog::ToHex(hash)) {
    return std::string("hash header does not match the record's bytes");
  }

  const std::string& request_id = event.request_id();
  if (request_id.empty()) return std::string();
  if (requests_.contains(request_id)) {
    return absl::StrCat("request_id ", request_id, " was already used");
  }
  absl::StatusOr<std::optional<store::RequestRecordValue>> used =
      model_->GetRequest(request_id);
  if (!used.ok()) return used.status();
  if (used->has_value()) {
    return absl::StrCat("request_id ", request_id, " was already used");
  }
  return std::string();
}

void BatchFold::Accept(const Record& record, const v1::LeadEvent& event,
                       StoredLeadRecord head, std::string hash) {
  if (event.version() == 1) ++created_;
  head.set_last_hash(hash);
  heads_[event.lead_id()] = head;
  batch_->PutLead(head);
  if (snapshot_every_ > 0 && event.version() % snapshot_every_ == 0) {
    StageSnapshot(batch_, head.lead());
  }

  store::StoredEventRecord stored;
  stored.set_value(record.value);
  stored.set_hash(std::move(hash));
  stored.set_partition(record.partition);
  stored.set_offset(record.offset);
  stored.set_timestamp_ms(record.timestamp_ms);
  batch_->PutEvent(event.lead_id(), event.version(), stored);

  if (!event.request_id().empty()) {
    store::RequestRecordValue request;
    request.set_lead_id(event.lead_id());
    request.set_version(event.version());
    request.set_digest(event.request_digest());
    batch_->PutRequest(event.request_id(), request);
    requests_.insert(event.request_id());
  }
}

void BatchFold::Reject(const Record& record, const v1::LeadEvent& event,
                       const std::string& reason) {
  ++rejected_;
  store::RejectedEventRecord rejected;
  rejected.set_partition(record.partition);
  rejected.set_offset(record.offset);
  rejected.set_lead_id(record.key);
  rejected.set_event_id(event.event_id());
  rejected.set_reason(reason);
  batch_->PutRejected(rejected);
  spdlog::warn("projector: rejected event {} at partition {} offset {}: {}",
               event.event_id(), record.partition, record.offset, reason);
}

absl::StatusOr<std::pair<std::string, Outcome>> BatchFold::Fold(
    const Record& record) {
  v1::LeadEvent event;
  if (!event.ParseFromString(record.value)) {
    Reject(record, event, "value is not a LeadEvent");
    return std::make_pair(std::string(), Outcome{false, "undecodable"});
  }

  absl::StatusOr<StoredLeadRecord> head = Head(event.lead_id());
  if (!head.ok()) return head.status();
  std::string hash = eventlog::ChainHash(head->last_hash(), record.value);
  absl::StatusOr<std::string> reason = Refusal(record, event, *head, hash);
  if (!reason.ok()) return reason.status();

  const v1::Lead before = head->lead();
  if (reason->empty()) {
    absl::Status applied = ApplyEvent(event, head->mutable_lead());
    if (!applied.ok()) *reason = std::string(applied.message());
  }
  if (!reason->empty()) {
    Reject(record, event, *reason);
    return std::make_pair(event.event_id(), Outcome{false, *reason});
  }
  const v1::Lead* previous = event.version() == 1 ? nullptr : &before;
  store::StageIndexChanges(batch_, previous, head->lead());
  store::StageStatsChanges(batch_, previous, head->lead());
  Accept(record, event, *std::move(head), std::move(hash));
  return std::make_pair(event.event_id(), Outcome{true, ""});
}

}  // namespace

Projector::~Projector() { Stop(); }

absl::Status Projector::Apply(const std::vector<Record>& records) {
  store::ReadModelBatch batch = model_->NewBatch();
  BatchFold fold(model_, &batch, snapshot_every_);
  std::vector<std::pair<std::string, Outcome>> outcomes;
  absl::StatusOr<std::map<int32_t, int64_t>> next_offsets = model_->Offsets();
  if (!next_offsets.ok()) return next_offsets.status();
  for (const Record& record : records) {
    // A record delivered twice (a known librdkafka 2.0 behaviour after
    // offset validation) was applied already: skip it.
    auto next = next_offsets->find(record.partition);
    if (next != next_offsets->end() && record.offset < next->second) continue;
    absl::StatusOr<std::pair<std::string, Outcome>> outcome = fold.Fold(record);
    if (!outcome.ok()) return outcome.status();
    outcomes.push_back(*std::move(outcome));
    (*next_offsets)[record.partition] = record.offset + 1;
  }

  for (const auto& [partition, offset] : *next_offsets) {
    batch.PutOffset(partition, offset);
  }
  batch.AddCounter(store::kLeadsCounter, fold.created());
  batch.AddCounter(store::kRejectedCounter, fold.rejected());

  if (absl::Status s = model_->Commit(batch); !s.ok()) return s;
  applied_->Publish(outcomes);
  return absl::OkStatus();
}

void Projector::Start(std::unique_ptr<eventlog::EventConsumer> consumer,
                      std::map<int32_t, int64_t> ends) {
  consumer_ = std::move(consumer);
  start_ends_ = std::move(ends);
  if (absl::StatusOr<std::map<int32_t, int64_t>> offsets = model_->Offsets();
      offsets.ok()) {
    int64_t applied = 0;
    for (const auto& [partition, next] : *offsets) applied += next;
    spdlog::info("projector: resuming after {} records already applied",
                 applied);
  }
  CheckCaughtUp();
  thread_ = std::thread([this] { Run(); });
}

void Projector::Stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
  consumer_.reset();
}

void Projector::CheckCaughtUp() {
  if (caught_up_) return;
  absl::StatusOr<std::map<int32_t, int64_t>> offsets = model_->Offsets();
  if (!offsets.ok()) return;
  for (const auto& [partition, end] : start_ends_) {
    auto it = offsets->find(partition);
    const int64_t next = it == offsets->end() ? 0 : it->second;
    if (next < end) return;
  }
  caught_up_ = true;
  spdlog::info("projector: caught up with the topic after reading {} records",
               records_read_.load());
}

void Projector::Run() {
  while (!stopping_) {
    absl::StatusOr<std::vector<Record>> records =
        consumer_->Poll(2000, absl::Milliseconds(100));
    if (!records.ok()) {
      spdlog::warn("projector: {}", records.status().ToString());
      absl::SleepFor(absl::Milliseconds(200));
      continue;
    }
    if (!records->empty()) {
      records_read_ += records->size();
      if (absl::Status s = Apply(*records); !s.ok()) {
        // The read model cannot take writes: stop rather than skip events.
        spdlog::error("projector: stopped: {}", s.ToString());
        std::abort();
      }
    }
    CheckCaughtUp();
  }
}

}  // namespace crm::leads
