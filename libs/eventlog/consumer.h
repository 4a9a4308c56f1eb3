#ifndef CRM_LIBS_EVENTLOG_CONSUMER_H_
#define CRM_LIBS_EVENTLOG_CONSUMER_H_

#include <map>
#include <memory>
#include <vector>

#include <absl/status/statusor.h>
#include <absl/time/time.h>

#include "libs/eventlog/kafka_options.h"
#include "libs/eventlog/record.h"

namespace RdKafka {
class KafkaConsumer;
}

namespace crm::eventlog {

// Reads every partition of the topic from positions the caller keeps (in
// its own store, beside the state it derives), never from offsets committed
// to Kafka. Not thread-safe: one thread polls.
class EventConsumer {
 public:
  // Starts reading each partition of `starts` at the given offset; a
  // partition missing from `starts` is read from its beginning.
  static absl::StatusOr<std::unique_ptr<EventConsumer>> Create(
      const KafkaOptions& options, int partitions,
      const std::map<int32_t, int64_t>& starts);

  ~EventConsumer();

  // Up to `max_records` records, waiting at most `wait` for the first one
  // and taking whatever else is already fetched. Empty when nothing came.
  absl::StatusOr<std::vector<Record>> Poll(size_t max_records,
                                           absl::Duration wait);

  // The offset after the last record of each partition, as the broker
  // knows it now.
  absl::StatusOr<std::map<int32_t, int64_t>> EndOffsets(absl::Duration timeout);

 private:
  EventConsumer(const KafkaOptions& options, int partitions,
                std::unique_ptr<RdKafka::KafkaConsumer> consumer);

  absl::StatusOr<int64_t> EndOffset(int32_t partition, absl::Time deadline);

  const KafkaOptions options_;
  const int partitions_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
};

}  // namespace crm::eventlog

#endif  // CRM_LIBS_EVENTLOG_CONSUMER_H_
