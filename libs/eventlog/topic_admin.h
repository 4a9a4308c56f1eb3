#ifndef CRM_LIBS_EVENTLOG_TOPIC_ADMIN_H_
#define CRM_LIBS_EVENTLOG_TOPIC_ADMIN_H_

#include <map>
#include <string>

#include <absl/status/statusor.h>
#include <absl/time/time.h>

#include "libs/eventlog/kafka_options.h"

namespace crm::eventlog {

// What the broker says of a topic.
struct TopicDescription {
  int partitions = 0;
  // Every configuration entry of the topic, defaults included.
  std::map<std::string, std::string> config;
};

// Describes options.topic. NOT_FOUND when it does not exist, UNAVAILABLE
// when the broker does not answer within `timeout`.
absl::StatusOr<TopicDescription> DescribeTopic(const KafkaOptions& options,
                                               absl::Duration timeout);

// Creates options.topic with options.partitions partitions, replication
// factor options.replication_factor and the topic settings `config`. A
// topic that already exists is left alone.
absl::Status CreateTopic(const KafkaOptions& options,
                         const std::map<std::string, std::string>& config,
                         absl::Duration timeout);

// The settings that keep every event forever: retention.ms=-1,
// retention.bytes=-1, cleanup.policy=delete.
const std::map<std::string, std::string>& EventTopicConfig();

// FAILED_PRECONDITION, saying what to change, when the topic's settings
// would let Kafka delete or compact events; OK otherwise.
absl::Status CheckKeepsEverything(const std::string& topic,
                                  const TopicDescription& description);

// Makes sure the event topic exists and keeps everything: creates it when
// missing, then checks it.
absl::StatusOr<TopicDescription> EnsureEventTopic(const KafkaOptions& options,
                                                  absl::Duration timeout);

}  // namespace crm::eventlog

#endif  // CRM_LIBS_EVENTLOG_TOPIC_ADMIN_H_
