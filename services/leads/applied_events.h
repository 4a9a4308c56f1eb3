#ifndef CRM_SERVICES_LEADS_APPLIED_EVENTS_H_
#define CRM_SERVICES_LEADS_APPLIED_EVENTS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>
#include <absl/time/time.h>

namespace crm::leads {

// What the projector did with one event.
struct Outcome {
  bool applied = false;
  // Why the event was rejected; empty when applied.
  std::string reason;
};

// Where command handlers wait for the projector. A handler announces the
// event it is about to append, then awaits its outcome; the projector
// publishes outcomes after each committed batch. Queries waiting for a
// lead's version wait for the next batch instead.
//
// Thread-safe.
class AppliedEvents {
 public:
  // Announces interest in `event_id`'s outcome. Call before appending it.
  void Expect(const std::string& event_id);

  // The outcome of an expected event, or nullopt at `deadline`. Forgets the
  // event either way.
  std::optional<Outcome> Await(const std::string& event_id,
                               absl::Time deadline);

  // Records outcomes of a committed batch and wakes every waiter.
  void Publish(const std::vector<std::pair<std::string, Outcome>>& outcomes);

  // The number of batches published so far.
  uint64_t Generation();

  // Waits until a batch after `generation` is published, or `deadline`.
  // True when one was.
  bool AwaitGenerationAfter(uint64_t generation, absl::Time deadline);

 private:
  absl::Mutex mutex_;
  // Expected events; a value once the projector decided.
  std::map<std::string, std::optional<Outcome>> expected_
      ABSL_GUARDED_BY(mutex_);
  uint64_t generation_ ABSL_GUARDED_BY(mutex_) = 0;
};

}  // namespace crm::leads

#endif  // CRM_SERVICES_LEADS_APPLIED_EVENTS_H_
