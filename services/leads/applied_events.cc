#include "services/leads/applied_events.h"

namespace crm::leads {

void AppliedEvents::Expect(const std::string& event_id) {
  absl::MutexLock lock(&mutex_);
  expected_.emplace(event_id, std::nullopt);
}

std::optional<Outcome> AppliedEvents::Await(const std::string& event_id,
                                            absl::Time deadline) {
  absl::MutexLock lock(&mutex_);
  auto decided = [this, &event_id]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    auto it = expected_.find(event_id);
    return it == expected_.end() || it->second.has_value();
  };
  mutex_.AwaitWithDeadline(absl::Condition(&decided), deadline);

  std::optional<Outcome> outcome;
  if (auto it = expected_.find(event_id); it != expected_.end()) {
    outcome = std::move(it->second);
    expected_.erase(it);
  }
  return outcome;
}

void AppliedEvents::Publish(
    const std::vector<std::pair<std::string, Outcome>>& outcomes) {
  absl::MutexLock lock(&mutex_);
  for (const auto& [event_id, outcome] : outcomes) {
    if (auto it = expected_.find(event_id); it != expected_.end()) {
      it->second = outcome;
    }
  }
  ++generation_;
}

uint64_t AppliedEvents::Generation() {
  absl::MutexLock lock(&mutex_);
  return generation_;
}

bool AppliedEvents::AwaitGenerationAfter(uint64_t generation,
                                         absl::Time deadline) {
  absl::MutexLock lock(&mutex_);
  auto advanced = [this, generation]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_) {
    return generation_ > generation;
  };
  return mutex_.AwaitWithDeadline(absl::Condition(&advanced), deadline);
}

}  // namespace crm::leads
