#ifndef CRM_SERVICES_LEADS_REBUILD_H_
#define CRM_SERVICES_LEADS_REBUILD_H_

#include <cstdint>
#include <string>

#include <absl/status/statusor.h>
#include <absl/time/time.h>

#include "libs/eventlog/kafka_options.h"

namespace crm::leads {

// What a rebuild did.
struct RebuildReport {
  int64_t events = 0;
  absl::Duration took;
  std::string live_digest;     // hex
  std::string rebuilt_digest;  // hex
  // Where the replaced read model was kept.
  std::string replaced_path;
};

// Projects the topic from offset 0 into a fresh read model beside the live
// one (`data_dir`/readmodel), up to exactly the offsets the live one has
// reached, compares the two by ReadModel::Digest, and swaps the rebuilt one
// in, keeping the old one at `data_dir`/readmodel.replaced-<unix seconds>.
// The live read model must not be open elsewhere (the service stopped).
// `snapshot_every` must be the service's own, or the digests differ.
absl::StatusOr<RebuildReport> RebuildReadModel(
    const std::string& data_dir, const eventlog::KafkaOptions& kafka,
    int partitions, int64_t snapshot_every);

}  // namespace crm::leads

#endif  // CRM_SERVICES_LEADS_REBUILD_H_
