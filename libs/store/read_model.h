#ifndef CRM_LIBS_STORE_READ_MODEL_H_
#define CRM_LIBS_STORE_READ_MODEL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/statusor.h>
#include <absl/strings/string_view.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include "crm/readmodel/v1/records.pb.h"

namespace crm::store {

using StoredLeadRecord = readmodel::v1::StoredLead;
using StoredEventRecord = readmodel::v1::StoredEvent;
using RequestRecordValue = readmodel::v1::RequestRecord;
using RejectedEventRecord = readmodel::v1::RejectedEvent;

// Column families open to other parts of the read model (indexes and
// aggregates), which own the layout of their keys.
enum class Family {
  // Secondary indexes of leads; see lead_index.h.
  kIndexes,
  // Aggregates for indicators; see lead_stats.h. Values written with Add
  // are 8-byte counters that RocksDB sums on merge.
  kStats,
  // Periodic snapshots of lead states; see services/leads/lead_history.h.
  kSnapshots,
};

// A consistent view of the read model, for reads that must agree with
// each other (the pages of one list). Release by destroying it.
class ReadModelSnapshot {
 public:
  ~ReadModelSnapshot();

  const rocksdb::Snapshot* get() const { return snapshot_; }

 private:
  friend class ReadModel;

  ReadModelSnapshot(rocksdb::DB* db, const rocksdb::Snapshot* snapshot)
      : db_(db), snapshot_(snapshot) {}

  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
};

// Counter names kept in the "counters" column family.
inline constexpr absl::string_view kLeadsCounter = "leads";
inline constexpr absl::string_view kRejectedCounter = "rejected";

// One page of leads in ID order (which is creation order for UUIDv7 IDs).
struct LeadPage {
  std::vector<leads::v1::Lead> leads;
  // ID of the last lead returned when more may follow, else empty.
  std::string last_id;
};

// A set of writes that the read model applies atomically.
class ReadModelBatch {
 public:
  void PutLead(const StoredLeadRecord& record);
  void PutEvent(absl::string_view lead_id, int64_t version,
                const StoredEventRecord& record);
  void PutRequest(absl::string_view request_id,
                  const RequestRecordValue& value);
  void PutRejected(const RejectedEventRecord& record);
  void PutOffset(int32_t partition, int64_t next_offset);
  // Adds `delta` (which may be negative) to a counter of the "counters"
  // family.
  void AddCounter(absl::string_view name, int64_t delta);

  void Put(Family family, absl::string_view key, absl::string_view value);
  void Delete(Family family, absl::string_view key);
  // Adds `delta` to the 8-byte counter at `key`.
  void Add(Family family, absl::string_view key, int64_t delta);

  bool empty() const { return batch_.Count() == 0; }

 private:
  friend class ReadModel;

  explicit ReadModelBatch(class ReadModel* model) : model_(model) {}

  ReadModel* model_;
  rocksdb::WriteBatch batch_;
};

// The lead service's RocksDB read model: lead state, the per-lead event
// index, the request-ID index, rejected events, counters and the next
// offset of each partition of the lead topic. Every change arrives as one
// ReadModelBatch, so the offsets always match the state.
//
// Thread-safe: any number of readers beside one writer.
class ReadModel {
 public:
  // Opens (creating when missing) the read model in directory `path`.
  static absl::StatusOr<std::unique_ptr<ReadModel>> Open(
      const std::string& path);

  ~ReadModel();

  // With `snapshot`, as the read model stood when it was taken.
  absl::StatusOr<std::optional<StoredLeadRecord>> GetLead(
      absl::string_view id, const ReadModelSnapshot* snapshot = nullptr) const;
  absl::StatusOr<std::optional<RequestRecordValue>> GetRequest(
      absl::string_view request_id) const;

  // Events of a lead with versions in [first, last], oldest first.
  absl::StatusOr<std::vector<StoredEventRecord>> GetEvents(
      absl::string_view lead_id, int64_t first, int64_t last) const;

  // Up to `limit` leads with IDs after `after_id` (from the start when
  // empty).
  absl::StatusOr<LeadPage> ListLeads(absl::string_view after_id,
                                     size_t limit) const;

  absl::StatusOr<std::map<int32_t, int64_t>> Offsets() const;
  absl::StatusOr<int64_t> Counter(absl::string_view name) const;
  absl::StatusOr<std::vector<RejectedEventRecord>> Rejected() const;

  // Raw access to the families of other parts of the read model.
  absl::StatusOr<std::optional<std::string>> Get(
      Family family, absl::string_view key,
      const ReadModelSnapshot* snapshot = nullptr) const;
  // Decodes a counter written with Add; 0 when absent.
  absl::StatusOr<int64_t> GetCount(Family family, absl::string_view key) const;
  std::unique_ptr<rocksdb::Iterator> NewIterator(
      Family family, const ReadModelSnapshot* snapshot = nullptr) const;
  std::unique_ptr<ReadModelSnapshot> TakeSnapshot() const;

  // SHA-256 over every family's name, keys and values, in order: two read
  // models with the same digest hold the same state. Reads one snapshot.
  absl::StatusOr<std::string> Digest() const;

  ReadModelBatch NewBatch() { return ReadModelBatch(this); }

  // Applies `batch` atomically. The write-ahead log is not synced per
  // batch: a machine crash may lose the newest batches, offsets and state
  // together, and they are read from the topic again.
  absl::Status Commit(ReadModelBatch& batch);

 private:
  friend class ReadModelBatch;
  ReadModel() = default;

  rocksdb::ColumnFamilyHandle* Handle(Family family) const;

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> families_;
};

}  // namespace crm::store

#endif  // CRM_LIBS_STORE_READ_MODEL_H_
