#ifndef CRM_LIBS_EVENTLOG_KAFKA_OPTIONS_H_
#define CRM_LIBS_EVENTLOG_KAFKA_OPTIONS_H_

#include <string>
#include <utility>
#include <vector>

namespace crm::eventlog {

// Where the log lives and how to reach it.
struct KafkaOptions {
  // bootstrap.servers, e.g. "127.0.0.1:9092".
  std::string brokers = "127.0.0.1:9092";
  // The lead topic.
  std::string topic = "crm.leads.events.v1";
  // Partitions of the topic when this service creates it.
  int partitions = 12;
  // Replicas of each partition when this service creates the topic: 1 for a
  // single development broker, 3 in production.
  int replication_factor = 1;
  // Extra librdkafka properties passed through as given (security.protocol,
  // sasl.*, ssl.* and the like); they override the defaults of this library.
  std::vector<std::pair<std::string, std::string>> properties;
};

}  // namespace crm::eventlog

#endif  // CRM_LIBS_EVENTLOG_KAFKA_OPTIONS_H_
