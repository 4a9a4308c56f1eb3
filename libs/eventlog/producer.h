#ifndef CRM_LIBS_EVENTLOG_PRODUCER_H_
#define CRM_LIBS_EVENTLOG_PRODUCER_H_

#include <atomic>
#include <memory>
#include <thread>

#include <absl/base/thread_annotations.h>
#include <absl/status/statusor.h>
#include <absl/synchronization/mutex.h>
#include <absl/time/time.h>

#include "libs/eventlog/kafka_options.h"
#include "libs/eventlog/record.h"

namespace RdKafka {
class Producer;
}

namespace crm::eventlog {

// Where an appended record landed.
struct Position {
  int32_t partition = -1;
  int64_t offset = -1;
};

// Appends records to the lead topic with librdkafka's idempotent producer
// (acks=all, murmur2_random partitioning, so a key lands where Java clients
// put it). Concurrent appends share produce requests: each waits only for
// its own delivery report.
//
// Thread-safe. A background thread serves delivery reports until the
// producer is destroyed; destruction flushes what is queued, for at most
// five seconds.
class EventProducer {
 public:
  static absl::StatusOr<std::unique_ptr<EventProducer>> Create(
      const KafkaOptions& options);

  ~EventProducer();

  // Appends `record` to the topic and waits for its delivery report until
  // `deadline`. OK means the record is durable in the log at the returned
  // position. UNAVAILABLE means it was not acknowledged in time: the record
  // may still be appended later, so a caller must treat the outcome as
  // unknown (a retry with the same request ID resolves it).
  absl::StatusOr<Position> Append(const Record& record, absl::Time deadline);

 private:
  explicit EventProducer(const KafkaOptions& options);

  absl::Status Connect() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mutex_);
  bool HasFatalError();
  void ServeReports();

  const KafkaOptions options_;
  absl::Mutex mutex_;
  std::unique_ptr<RdKafka::Producer> producer_ ABSL_GUARDED_BY(mutex_);
  std::atomic<bool> stopping_{false};
  std::thread reporter_;
};

}  // namespace crm::eventlog

#endif  // CRM_LIBS_EVENTLOG_PRODUCER_H_
