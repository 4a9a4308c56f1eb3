#ifndef CRM_TOOLS_BENCH_D_KAFKA_BENCH_H_
#define CRM_TOOLS_BENCH_D_KAFKA_BENCH_H_

#include <string>
#include <vector>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "libs/eventlog/kafka_options.h"
#include "libs/eventlog/record.h"

namespace crm::bench {

// Appends `records` to options.topic (created if missing) with
// EventProducer from `threads` threads, each waiting for its own appends as
// the service does. Figures: events, seconds, per_second, errors.
absl::StatusOr<nlohmann::json> ProduceWithEventLog(
    const eventlog::KafkaOptions& options,
    const std::vector<eventlog::Record>& records, int threads);

// Writes the same records with a plain librdkafka producer of the same
// settings (acks=all, idempotence), all queued at once, then flushed.
absl::StatusOr<nlohmann::json> ProduceRaw(
    const eventlog::KafkaOptions& options,
    const std::vector<eventlog::Record>& records);

// Reads options.topic from its beginning to its end with a plain
// librdkafka consumer, decoding and storing nothing. Figures: events,
// seconds, per_second.
absl::StatusOr<nlohmann::json> ReadRaw(const eventlog::KafkaOptions& options);

// Starts `service_bin` on options.topic with an empty read model in
// `data_dir`, times it until its health check answers SERVING, and stops
// it. Figures: events (as the projector logged them), seconds, per_second.
absl::StatusOr<nlohmann::json> TimeReplay(const std::string& service_bin,
                                          const eventlog::KafkaOptions& options,
                                          const std::string& data_dir);

}  // namespace crm::bench

#endif  // CRM_TOOLS_BENCH_D_KAFKA_BENCH_H_
