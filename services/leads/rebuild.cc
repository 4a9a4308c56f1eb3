#include "services/leads/rebuild.h"

#include <filesystem>
#include <map>
#include <memory>
#include <vector>

#include <absl/strings/str_cat.h>
#include <absl/time/clock.h>

#include "libs/eventlog/consumer.h"
#include "libs/eventlog/record.h"
#include "libs/store/read_model.h"
#include "services/leads/applied_events.h"
#include "services/leads/projector.h"

namespace crm::leads {

namespace {

// True once `reached` has every offset of `target`.
bool Reached(const std::map<int32_t, int64_t>& reached,
             const std::map<int32_t, int64_t>& target) {
  for (const auto& [partition, offset] : target) {
    auto it = reached.find(partition);
    if (offset > 0 && (it == reached.end() || it->second < offset)) {
      return false;
    }
  }
  return true;
}

// Records of `batch` below the target offsets of their partitions.
std::vector<eventlog::Record> BelowTarget(
    std::vector<eventlog::Record> batch,
    const std::map<int32_t, int64_t>& target) {
  std::vector<eventlog::Record> kept;
  for (eventlog::Record& record : batch) {
    auto it = target.find(record.partition);
    if (it != target.end() && record.offset < it->second) {
      kept.push_back(std::move(record));
    }
  }
  return kept;
}

// Projects from offset 0 into `fresh` until it reaches `target`.
absl::StatusOr<int64_t> Project(store::ReadModel* fresh,
                                const eventlog::KafkaOptions& kafka,
                                int partitions,
                                const std::map<int32_t, int64_t>& target,
                                int64_t snapshot_every) {
  absl::StatusOr<std::unique_ptr<eventlog::EventConsumer>> consumer =
      eventlog::EventConsumer::Create(kafka, partitions, {});
  if (!consumer.ok()) return consumer.status();
  AppliedEvents applied;
  Projector projector(fresh, &applied, snapshot_every);

  int64_t events = 0;
  absl::Time last_progress = absl::Now();
  std::map<int32_t, int64_t> reached;
  while (!Reached(reached, target)) {
    absl::StatusOr<std::vector<eventlog::Record>> batch =
        (*consumer)->Poll(5000, absl::Milliseconds(200));
    if (!batch.ok()) return batch.status();
    std::vector<eventlog::Record> records =
        BelowTarget(*std::move(batch), target);
    if (records.empty()) {
      if (absl::Now() - last_progress > absl::Seconds(30)) {
        return absl::UnavailableError(
            "rebuild: the topic stopped short of the live read model");
      }
      continue;
    }
    if (absl::Status s = projector.Apply(records); !s.ok()) return s;
    events += static_cast<int64_t>(records.size());
    last_progress = absl::Now();
    absl::StatusOr<std::map<int32_t, int64_t>> offsets = fresh->Offsets();
    if (!offsets.ok()) return offsets.status();
    reached = *std::move(offsets);
  }
  return events;
}

}  // namespace

absl::StatusOr<RebuildReport> RebuildReadModel(
    const std::string& data_dir, const eventlog::KafkaOptions& kafka,
    int partitions, int64_t snapshot_every) {
  const std::string live_path = data_dir + "/readmodel";
  const std::string fresh_path = data_dir + "/readmodel.rebuild";
  std::filesystem::remove_all(fresh_path);
  RebuildReport report;
  {
    absl::StatusOr<std::unique_ptr<store::ReadModel>> live =
        store::ReadModel::Open(live_path);
    if (!live.ok()) return live.status();
    absl::StatusOr<std::unique_ptr<store::ReadModel>> fresh =
        store::ReadModel::Open(fresh_path);
    if (!fresh.ok()) return fresh.status();
    absl::StatusOr<std::map<int32_t, int64_t>> target = (*live)->Offsets();
    if (!target.ok()) return target.status();

    const absl::Time start = absl::Now();
    absl::StatusOr<int64_t> events =
        Project(fresh->get(), kafka, partitions, *target, snapshot_every);
    if (!events.ok()) return events.status();
    report.events = *events;
    report.took = absl::Now() - start;

    absl::StatusOr<std::string> live_digest = (*live)->Digest();
    absl::StatusOr<std::string> fresh_digest = (*fresh)->Digest();
    if (!live_digest.ok()) return live_digest.status();
    if (!fresh_digest.ok()) return fresh_digest.status();
    report.live_digest = eventlog::ToHex(*live_digest);
    report.rebuilt_digest = eventlog::ToHex(*fresh_digest);
  }

  report.replaced_path =
      absl::StrCat(live_path, ".replaced-", absl::ToUnixSeconds(absl::Now()));
  std::filesystem::rename(live_path, report.replaced_path);
  std::filesystem::rename(fresh_path, live_path);
  return report;
}

}  // namespace crm::leads
