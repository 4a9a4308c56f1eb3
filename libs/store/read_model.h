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
  void PutCounter(absl::string_view name, int64_t value);

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

  absl::StatusOr<std::optional<StoredLeadRecord>> GetLead(
      absl::string_view id) const;
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

  ReadModelBatch NewBatch() { return ReadModelBatch(this); }

  // Applies `batch` atomically. The write-ahead log is not synced per
  // batch: a machine crash may lose the newest batches, offsets and state
  // together, and they are read from the topic again.
  absl::Status Commit(ReadModelBatch& batch);

 private:
  friend class ReadModelBatch;
  ReadModel() = default;

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> families_;
};

}  // namespace crm::store

#endif  // CRM_LIBS_STORE_READ_MODEL_H_
