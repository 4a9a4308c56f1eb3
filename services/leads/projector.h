#ifndef CRM_SERVICES_LEADS_PROJECTOR_H_
#define CRM_SERVICES_LEADS_PROJECTOR_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include <absl/status/status.h>

#include "libs/eventlog/consumer.h"
#include "libs/eventlog/record.h"
#include "libs/store/read_model.h"
#include "services/leads/applied_events.h"

namespace crm::leads {

// Folds the lead topic into the read model. Each poll's records become one
// RocksDB batch holding the new state and each partition's next offset, so
// after any crash projection resumes exactly where the last batch ended.
//
// Every record passes the arbitration rule (RefusalReason): an event is
// applied only if it follows the lead's chain head, carries a request ID
// not used before and a hash header that matches its bytes; anything else
// is stored as rejected, with the reason, and never applied. The outcome of
// each event is published to AppliedEvents after its batch commits.
//
// Thread-safe: Start runs the loop on a thread of its own.
class Projector {
 public:
  // A snapshot of a lead is stored after every `snapshot_every`-th event
  // of it (see lead_history.h); 0 stores none.
  Projector(store::ReadModel* model, AppliedEvents* applied,
            int64_t snapshot_every = 100)
      : model_(model), applied_(applied), snapshot_every_(snapshot_every) {}

  ~Projector();

  // Applies `records` as one batch. Used by the loop, and by tests directly.
  absl::Status Apply(const std::vector<eventlog::Record>& records);

  // Starts consuming with `consumer`, from the offsets in the read model.
  // The projector counts as caught up once it has passed `ends`, the end
  // offsets of the topic at start.
  void Start(std::unique_ptr<eventlog::EventConsumer> consumer,
             std::map<int32_t, int64_t> ends);

  // Stops the loop after the batch in hand.
  void Stop();

  bool caught_up() const { return caught_up_; }

 private:
  void Run();
  void CheckCaughtUp();

  store::ReadModel* const model_;
  AppliedEvents* const applied_;
  const int64_t snapshot_every_;
  std::unique_ptr<eventlog::EventConsumer> consumer_;
  std::map<int32_t, int64_t> start_ends_;
  std::atomic<bool> caught_up_{false};
  // Records read from the topic since Start.
  std::atomic<int64_t> records_read_{0};
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace crm::leads

#endif  // CRM_SERVICES_LEADS_PROJECTOR_H_
