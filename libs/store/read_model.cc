#include "libs/store/read_model.h"

#include <sodium.h>

#include <absl/base/internal/endian.h>
#include <absl/strings/str_cat.h>
#include <rocksdb/merge_operator.h>
#include <rocksdb/options.h>

namespace crm::store {

namespace {

// Column families, in the order of ReadModel::families_.
enum FamilyIndex {
  kDefault,
  kLeads,
  kEvents,
  kRequests,
  kRejected,
  kOffsets,
  kCounters,
  kIndexes,
  kStats,
  kSnapshots,
  kFamilyCount
};

constexpr const char* kFamilyNames[kFamilyCount] = {
    "default", "leads",    "events",  "requests", "rejected",
    "offsets", "counters", "indexes", "stats",    "snapshots"};

// Counters are 8-byte little-endian two's-complement integers; merging
// adds them, so a batch can bump one counter many times without reading.
class AddOperator : public rocksdb::AssociativeMergeOperator {
 public:
  bool Merge(const rocksdb::Slice& /*key*/,
             const rocksdb::Slice* existing_value, const rocksdb::Slice& value,
             std::string* new_value,
             rocksdb::Logger* /*logger*/) const override {
    const uint64_t sum =
        (existing_value ? Decode(*existing_value) : 0) + Decode(value);
    *new_value = Encode(static_cast<int64_t>(sum));
    return true;
  }

  const char* Name() const override { return "crm.Int64Add"; }

  static std::string Encode(int64_t value) {
    std::string bytes(8, '\0');
    absl::little_endian::Store64(bytes.data(), static_cast<uint64_t>(value));
    return bytes;
  }

  static uint64_t Decode(const rocksdb::Slice& bytes) {
    return bytes.size() == 8 ? absl::little_endian::Load64(bytes.data()) : 0;
  }
};

rocksdb::Slice ToSlice(absl::string_view text) {
  return rocksdb::Slice(text.data(), text.size());
}

std::string BigEndian32(uint32_t value) {
  std::string bytes(4, '\0');
  absl::big_endian::Store32(bytes.data(), value);
  return bytes;
}

std::string BigEndian64(uint64_t value) {
  std::string bytes(8, '\0');
  absl::big_endian::Store64(bytes.data(), value);
  return bytes;
}

std::string EventKey(absl::string_view lead_id, int64_t version) {
  return absl::StrCat(lead_id, "/", BigEndian64(version));
}

absl::Status FromRocks(const rocksdb::Status& status, absl::string_view what) {
  if (status.ok()) return absl::OkStatus();
  return absl::UnavailableError(
      absl::StrCat("read model: while ", what, ": ", status.ToString()));
}

// Reads and parses one value; nullopt when the key is absent.
template <typename Record>
absl::StatusOr<std::optional<Record>> GetRecord(
    rocksdb::DB* db, rocksdb::ColumnFamilyHandle* family, absl::string_view key,
    const rocksdb::ReadOptions& options = rocksdb::ReadOptions()) {
  std::string bytes;
  rocksdb::Status status = db->Get(options, family, ToSlice(key), &bytes);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) return FromRocks(status, "reading");
  Record record;
  if (!record.ParseFromString(bytes)) {
    return absl::DataLossError(
        absl::StrCat("read model: undecodable ", Record::descriptor()->name()));
  }
  return record;
}

}  // namespace

void ReadModelBatch::PutLead(const StoredLeadRecord& record) {
  batch_.Put(model_->families_[kLeads], record.lead().id(),
             record.SerializeAsString());
}

void ReadModelBatch::PutEvent(absl::string_view lead_id, int64_t version,
                              const StoredEventRecord& record) {
  batch_.Put(model_->families_[kEvents], EventKey(lead_id, version),
             record.SerializeAsString());
}

void ReadModelBatch::PutRequest(absl::string_view request_id,
                                const RequestRecordValue& value) {
  batch_.Put(model_->families_[kRequests], ToSlice(request_id),
             value.SerializeAsString());
}

void ReadModelBatch::PutRejected(const RejectedEventRecord& record) {
  batch_.Put(model_->families_[kRejected],
             BigEndian32(record.partition()) + BigEndian64(record.offset()),
             record.SerializeAsString());
}

void ReadModelBatch::PutOffset(int32_t partition, int64_t next_offset) {
  batch_.Put(model_->families_[kOffsets], BigEndian32(partition),
             BigEndian64(next_offset));
}

void ReadModelBatch::AddCounter(absl::string_view name, int64_t delta) {
  batch_.Merge(model_->families_[kCounters], ToSlice(name),
               AddOperator::Encode(delta));
}

void ReadModelBatch::Put(Family family, absl::string_view key,
                         absl::string_view value) {
  batch_.Put(model_->Handle(family), ToSlice(key), ToSlice(value));
}

void ReadModelBatch::Delete(Family family, absl::string_view key) {
  batch_.Delete(model_->Handle(family), ToSlice(key));
}

void ReadModelBatch::Add(Family family, absl::string_view key, int64_t delta) {
  batch_.Merge(model_->Handle(family), ToSlice(key),
               AddOperator::Encode(delta));
}

ReadModelSnapshot::~ReadModelSnapshot() { db_->ReleaseSnapshot(snapshot_); }

absl::StatusOr<std::unique_ptr<ReadModel>> ReadModel::Open(
    const std::string& path) {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  auto adder = std::make_shared<AddOperator>();
  for (const char* name : kFamilyNames) {
    rocksdb::ColumnFamilyOptions family;
    family.merge_operator = adder;
    descriptors.emplace_back(name, family);
  }
  std::unique_ptr<ReadModel> model(new ReadModel);
  rocksdb::DB* db = nullptr;
  rocksdb::Status status =
      rocksdb::DB::Open(options, path, descriptors, &model->families_, &db);
  if (!status.ok()) {
    return absl::UnavailableError(absl::StrCat("cannot open the read model at ",
                                               path, ": ", status.ToString()));
  }
  model->db_.reset(db);
  return model;
}

ReadModel::~ReadModel() {
  for (rocksdb::ColumnFamilyHandle* family : families_) {
    db_->DestroyColumnFamilyHandle(family);
  }
}

absl::StatusOr<std::optional<StoredLeadRecord>> ReadModel::GetLead(
    absl::string_view id, const ReadModelSnapshot* snapshot) const {
  rocksdb::ReadOptions options;
  if (snapshot != nullptr) options.snapshot = snapshot->get();
  return GetRecord<StoredLeadRecord>(db_.get(), families_[kLeads], id, options);
}

absl::StatusOr<std::optional<RequestRecordValue>> ReadModel::GetRequest(
    absl::string_view request_id) const {
  return GetRecord<RequestRecordValue>(db_.get(), families_[kRequests],
                                       request_id);
}

absl::StatusOr<std::vector<StoredEventRecord>> ReadModel::GetEvents(
    absl::string_view lead_id, int64_t first, int64_t last) const {
  std::vector<StoredEventRecord> events;
  const std::string end = EventKey(lead_id, last);
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), families_[kEvents]));
  for (it->Seek(EventKey(lead_id, first));
       it->Valid() && it->key().compare(end) <= 0; it->Next()) {
    StoredEventRecord& event = events.emplace_back();
    if (!event.ParseFromArray(it->value().data(), it->value().size())) {
      return absl::DataLossError("read model: undecodable stored event");
    }
  }
  if (absl::Status s = FromRocks(it->status(), "reading events"); !s.ok()) {
    return s;
  }
  return events;
}

absl::StatusOr<LeadPage> ReadModel::ListLeads(absl::string_view after_id,
                                              size_t limit) const {
  LeadPage page;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), families_[kLeads]));
  it->Seek(ToSlice(after_id));
  if (it->Valid() && !after_id.empty() && it->key() == ToSlice(after_id))
    it->Next();
  for (; it->Valid() && page.leads.size() < limit; it->Next()) {
    StoredLeadRecord record;
    if (!record.ParseFromArray(it->value().data(), it->value().size())) {
      return absl::DataLossError("read model: undecodable stored lead");
    }
    page.leads.push_back(std::move(*record.mutable_lead()));
  }
  if (absl::Status s = FromRocks(it->status(), "listing leads"); !s.ok()) {
    return s;
  }
  if (it->Valid() && !page.leads.empty()) page.last_id = page.leads.back().id();
  return page;
}

absl::StatusOr<std::map<int32_t, int64_t>> ReadModel::Offsets() const {
  std::map<int32_t, int64_t> offsets;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), families_[kOffsets]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    offsets[absl::big_endian::Load32(it->key().data())] =
        absl::big_endian::Load64(it->value().data());
  }
  if (absl::Status s = FromRocks(it->status(), "reading offsets"); !s.ok()) {
    return s;
  }
  return offsets;
}

absl::StatusOr<int64_t> ReadModel::Counter(absl::string_view name) const {
  std::string bytes;
  rocksdb::Status status = db_->Get(
      rocksdb::ReadOptions(), families_[kCounters], ToSlice(name), &bytes);
  if (status.IsNotFound()) return 0;
  if (!status.ok()) return FromRocks(status, "reading a counter");
  return static_cast<int64_t>(AddOperator::Decode(bytes));
}

rocksdb::ColumnFamilyHandle* ReadModel::Handle(Family family) const {
  switch (family) {
    case Family::kIndexes:
      return families_[kIndexes];
    case Family::kStats:
      return families_[kStats];
    case Family::kSnapshots:
      return families_[kSnapshots];
  }
  return families_[kStats];
}

absl::StatusOr<std::optional<std::string>> ReadModel::Get(
    Family family, absl::string_view key,
    const ReadModelSnapshot* snapshot) const {
  rocksdb::ReadOptions options;
  if (snapshot != nullptr) options.snapshot = snapshot->get();
  std::string value;
  rocksdb::Status status =
      db_->Get(options, Handle(family), ToSlice(key), &value);
  if (status.IsNotFound()) return std::nullopt;
  if (!status.ok()) return FromRocks(status, "reading");
  return value;
}

absl::StatusOr<int64_t> ReadModel::GetCount(Family family,
                                            absl::string_view key) const {
  absl::StatusOr<std::optional<std::string>> value = Get(family, key);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return 0;
  return static_cast<int64_t>(AddOperator::Decode(**value));
}

std::unique_ptr<rocksdb::Iterator> ReadModel::NewIterator(
    Family family, const ReadModelSnapshot* snapshot) const {
  rocksdb::ReadOptions options;
  if (snapshot != nullptr) options.snapshot = snapshot->get();
  return std::unique_ptr<rocksdb::Iterator>(
      db_->NewIterator(options, Handle(family)));
}

absl::StatusOr<std::string> ReadModel::Digest() const {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  auto add = [&state](const rocksdb::Slice& bytes) {
    const std::string length = BigEndian64(bytes.size());
    crypto_hash_sha256_update(
        &state, reinterpret_cast<const unsigned char*>(length.data()), 8);
    crypto_hash_sha256_update(
        &state, reinterpret_cast<const unsigned char*>(bytes.data()),
        bytes.size());
  };

  std::unique_ptr<ReadModelSnapshot> snapshot = TakeSnapshot();
  rocksdb::ReadOptions options;
  options.snapshot = snapshot->get();
  for (int family = 0; family < kFamilyCount; ++family) {
    add(kFamilyNames[family]);
    std::unique_ptr<rocksdb::Iterator> it(
        db_->NewIterator(options, families_[family]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      add(it->key());
      add(it->value());
    }
    if (absl::Status s = FromRocks(it->status(), "digesting"); !s.ok()) {
      return s;
    }
  }
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256_final(&state,
                           reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

std::unique_ptr<ReadModelSnapshot> ReadModel::TakeSnapshot() const {
  return std::unique_ptr<ReadModelSnapshot>(
      new ReadModelSnapshot(db_.get(), db_->GetSnapshot()));
}

absl::StatusOr<std::vector<RejectedEventRecord>> ReadModel::Rejected() const {
  std::vector<RejectedEventRecord> rejected;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), families_[kRejected]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    RejectedEventRecord& record = rejected.emplace_back();
    if (!record.ParseFromArray(it->value().data(), it->value().size())) {
      return absl::DataLossError("read model: undecodable rejected event");
    }
  }
  if (absl::Status s = FromRocks(it->status(), "reading rejections"); !s.ok()) {
    return s;
  }
  return rejected;
}

absl::Status ReadModel::Commit(ReadModelBatch& batch) {
  rocksdb::WriteOptions options;
  options.sync = false;
  return FromRocks(db_->Write(options, &batch.batch_), "committing a batch");
}

}  // namespace crm::store
