#include "libs/eventlog/topic_admin.h"

#include <memory>

#include <absl/strings/str_cat.h>
#include <absl/time/clock.h>
#include <librdkafka/rdkafka.h>

namespace crm::eventlog {

namespace {

struct HandleDeleter {
  void operator()(rd_kafka_t* handle) const { rd_kafka_destroy(handle); }
};

struct QueueDeleter {
  void operator()(rd_kafka_queue_t* queue) const {
    rd_kafka_queue_destroy(queue);
  }
};

struct EventDeleter {
  void operator()(rd_kafka_event_t* event) const {
    rd_kafka_event_destroy(event);
  }
};

struct OptionsDeleter {
  void operator()(rd_kafka_AdminOptions_t* options) const {
    rd_kafka_AdminOptions_destroy(options);
  }
};

using Handle = std::unique_ptr<rd_kafka_t, HandleDeleter>;
using Queue = std::unique_ptr<rd_kafka_queue_t, QueueDeleter>;
using Event = std::unique_ptr<rd_kafka_event_t, EventDeleter>;
using AdminOptions = std::unique_ptr<rd_kafka_AdminOptions_t, OptionsDeleter>;

absl::StatusOr<Handle> Connect(const KafkaOptions& options) {
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  char error[512];
  auto set = [&](const std::string& name, const std::string& value) {
    return rd_kafka_conf_set(conf, name.c_str(), value.c_str(), error,
                             sizeof(error)) == RD_KAFKA_CONF_OK;
  };
  bool ok = set("bootstrap.servers", options.brokers);
  for (const auto& [name, value] : options.properties) {
    ok = ok && set(name, value);
  }
  if (!ok) {
    rd_kafka_conf_destroy(conf);
    return absl::InvalidArgumentError(
        absl::StrCat("Kafka admin setting: ", error));
  }
  Handle handle(rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof(error)));
  if (!handle) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create a Kafka client: ", error));
  }
  return handle;
}

// Partitions of `topic`: 0 when the broker says it does not exist.
absl::StatusOr<int> PartitionCount(rd_kafka_t* handle, const std::string& topic,
                                   absl::Duration timeout) {
  rd_kafka_topic_t* topic_handle =
      rd_kafka_topic_new(handle, topic.c_str(), nullptr);
  const rd_kafka_metadata_t* metadata = nullptr;
  rd_kafka_resp_err_t err = rd_kafka_metadata(
      handle, 0, topic_handle, &metadata, absl::ToInt64Milliseconds(timeout));
  rd_kafka_topic_destroy(topic_handle);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("Kafka at the configured brokers did not answer: ",
                     rd_kafka_err2str(err)));
  }
  // A topic whose partitions lack leaders is not usable yet: count it as
  // absent so that callers wait for it.
  int partitions = 0;
  if (metadata->topic_cnt == 1 &&
      metadata->topics[0].err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    const rd_kafka_metadata_topic_t& topic_metadata = metadata->topics[0];
    partitions = topic_metadata.partition_cnt;
    for (int i = 0; i < topic_metadata.partition_cnt; ++i) {
      if (topic_metadata.partitions[i].leader < 0) partitions = 0;
    }
  }
  rd_kafka_metadata_destroy(metadata);
  return partitions;
}

// Waits for the result event of one admin request.
absl::StatusOr<Event> AwaitResult(rd_kafka_queue_t* queue,
                                  absl::Duration timeout) {
  Event event(rd_kafka_queue_poll(queue, absl::ToInt64Milliseconds(timeout)));
  if (!event) {
    return absl::UnavailableError("Kafka did not answer an admin request");
  }
  if (rd_kafka_event_error(event.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("Kafka admin request failed: ",
                     rd_kafka_event_error_string(event.get())));
  }
  return event;
}

AdminOptions TimedOptions(rd_kafka_t* handle, rd_kafka_admin_op_t op,
                          absl::Duration timeout) {
  AdminOptions options(rd_kafka_AdminOptions_new(handle, op));
  char error[256];
  rd_kafka_AdminOptions_set_request_timeout(
      options.get(), absl::ToInt64Milliseconds(timeout), error, sizeof(error));
  return options;
}

absl::StatusOr<std::map<std::string, std::string>> TopicConfig(
    rd_kafka_t* handle, const std::string& topic, absl::Duration timeout) {
  rd_kafka_ConfigResource_t* resource =
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str());
  Queue queue(rd_kafka_queue_new(handle));
  AdminOptions options =
      TimedOptions(handle, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeout);
  rd_kafka_DescribeConfigs(handle, &resource, 1, options.get(), queue.get());
  rd_kafka_ConfigResource_destroy(resource);

  absl::StatusOr<Event> event = AwaitResult(queue.get(), timeout);
  if (!event.ok()) return event.status();
  const rd_kafka_DescribeConfigs_result_t* result =
      rd_kafka_event_DescribeConfigs_result(event->get());
  size_t count = 0;
  const rd_kafka_ConfigResource_t** resources =
      rd_kafka_DescribeConfigs_result_resources(result, &count);
  if (count != 1 || rd_kafka_ConfigResource_error(resources[0]) !=
                        RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::UnavailableError(
        absl::StrCat("cannot read the settings of topic ", topic));
  }

  std::map<std::string, std::string> config;
  size_t entries = 0;
  const rd_kafka_ConfigEntry_t** entry =
      rd_kafka_ConfigResource_configs(resources[0], &entries);
  for (size_t i = 0; i < entries; ++i) {
    const char* value = rd_kafka_ConfigEntry_value(entry[i]);
    config[rd_kafka_ConfigEntry_name(entry[i])] = value ? value : "";
  }
  return config;
}

}  // namespace

absl::StatusOr<TopicDescription> DescribeTopic(const KafkaOptions& options,
                                               absl::Duration timeout) {
  absl::StatusOr<Handle> handle = Connect(options);
  if (!handle.ok()) return handle.status();
  absl::StatusOr<int> partitions =
      PartitionCount(handle->get(), options.topic, timeout);
  if (!partitions.ok()) return partitions.status();
  if (*partitions == 0) {
    return absl::NotFoundError(
        absl::StrCat("topic ", options.topic, " does not exist"));
  }

  absl::StatusOr<std::map<std::string, std::string>> config =
      TopicConfig(handle->get(), options.topic, timeout);
  if (!config.ok()) return config.status();
  return TopicDescription{*partitions, *std::move(config)};
}

const std::map<std::string, std::string>& EventTopicConfig() {
  static const auto* const config =
      new std::map<std::string, std::string>{{"retention.ms", "-1"},
                                             {"retention.bytes", "-1"},
                                             {"cleanup.policy", "delete"}};
  return *config;
}

absl::Status CreateTopic(const KafkaOptions& options,
                         const std::map<std::string, std::string>& config,
                         absl::Duration timeout) {
  absl::StatusOr<Handle> handle = Connect(options);
  if (!handle.ok()) return handle.status();

  char error[512];
  rd_kafka_NewTopic_t* topic =
      rd_kafka_NewTopic_new(options.topic.c_str(), options.partitions,
                            options.replication_factor, error, sizeof(error));
  if (topic == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot describe topic ", options.topic, ": ", error));
  }
  for (const auto& [name, value] : config) {
    rd_kafka_NewTopic_set_config(topic, name.c_str(), value.c_str());
  }

  Queue queue(rd_kafka_queue_new(handle->get()));
  AdminOptions admin =
      TimedOptions(handle->get(), RD_KAFKA_ADMIN_OP_CREATETOPICS, timeout);
  rd_kafka_CreateTopics(handle->get(), &topic, 1, admin.get(), queue.get());
  rd_kafka_NewTopic_destroy(topic);

  absl::StatusOr<Event> event = AwaitResult(queue.get(), timeout);
  if (!event.ok()) return event.status();
  size_t count = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(
      rd_kafka_event_CreateTopics_result(event->get()), &count);
  const rd_kafka_resp_err_t err = count == 1
                                      ? rd_kafka_topic_result_error(results[0])
                                      : RD_KAFKA_RESP_ERR__FAIL;
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR &&
      err != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
    return absl::UnavailableError(absl::StrCat(
        "cannot create topic ", options.topic, ": ", rd_kafka_err2str(err)));
  }
  return absl::OkStatus();
}

absl::Status CheckKeepsEverything(const std::string& topic,
                                  const TopicDescription& description) {
  auto value = [&](const std::string& name) -> std::string {
    auto it = description.config.find(name);
    return it == description.config.end() ? "" : it->second;
  };
  std::vector<std::string> problems;
  if (value("cleanup.policy") != "delete") {
    problems.push_back(absl::StrCat("cleanup.policy is '",
                                    value("cleanup.policy"),
                                    "' (compaction keeps one event per lead); "
                                    "set cleanup.policy=delete"));
  }
  if (value("retention.ms") != "-1") {
    problems.push_back(absl::StrCat("retention.ms is ", value("retention.ms"),
                                    "; set retention.ms=-1"));
  }
  if (value("retention.bytes") != "-1") {
    problems.push_back(absl::StrCat("retention.bytes is ",
                                    value("retention.bytes"),
                                    "; set retention.bytes=-1"));
  }
  if (problems.empty()) return absl::OkStatus();

  std::string message = absl::StrCat(
      "topic ", topic, " would lose events, and the log must keep every one: ");
  for (size_t i = 0; i < problems.size(); ++i) {
    absl::StrAppend(&message, i ? "; " : "", problems[i]);
  }
  absl::StrAppend(&message,
                  " (kafka-configs.sh --alter --entity-type topics"
                  " --entity-name ",
                  topic, " --add-config ...)");
  return absl::FailedPreconditionError(message);
}

// A new topic shows in metadata once its partitions have leaders.
absl::StatusOr<TopicDescription> AwaitTopic(const KafkaOptions& options,
                                            absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  absl::StatusOr<TopicDescription> description =
      DescribeTopic(options, timeout);
  while (absl::IsNotFound(description.status()) && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(100));
    description = DescribeTopic(options, timeout);
  }
  return description;
}

absl::StatusOr<TopicDescription> EnsureEventTopic(const KafkaOptions& options,
                                                  absl::Duration timeout) {
  absl::StatusOr<TopicDescription> description =
      DescribeTopic(options, timeout);
  if (absl::IsNotFound(description.status())) {
    absl::Status created = CreateTopic(options, EventTopicConfig(), timeout);
    if (!created.ok()) return created;
    description = AwaitTopic(options, timeout);
  }
  if (!description.ok()) return description.status();
  if (absl::Status s = CheckKeepsEverything(options.topic, *description);
      !s.ok()) {
    return s;
  }
  return description;
}

}  // namespace crm::eventlog
