#include "libs/eventlog/consumer.h"

#include <algorithm>
#include <string>

#include <absl/strings/str_cat.h>
#include <absl/time/clock.h>
#include <librdkafka/rdkafkacpp.h>

namespace crm::eventlog {

namespace {

absl::StatusOr<std::unique_ptr<RdKafka::Conf>> ConsumerConf(
    const KafkaOptions& options) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  const std::pair<std::string, std::string> defaults[] = {
      {"bootstrap.servers", options.brokers},
      // Required by the client, unused: partitions are assigned, never
      // subscribed, and offsets live in the caller's store.
      {"group.id", "crm-leads-projector"},
      {"enable.auto.commit", "false"},
      {"enable.auto.offset.store", "false"},
      {"auto.offset.reset", "earliest"},
      {"enable.partition.eof", "false"},
      {"fetch.wait.max.ms", "50"},
      {"socket.nagle.disable", "true"},
      {"client.id", "crm-leads-projector"},
  };
  std::string error;
  for (const auto& [name, value] : defaults) {
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": ", error));
    }
  }
  for (const auto& [name, value] : options.properties) {
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": ", error));
    }
  }
  return conf;
}

Record ToRecord(RdKafka::Message& message) {
  Record record;
  if (message.key() != nullptr) record.key = *message.key();
  record.value.assign(static_cast<const char*>(message.payload()),
                      message.len());
  record.timestamp_ms = message.timestamp().timestamp;
  record.partition = message.partition();
  record.offset = message.offset();
  if (RdKafka::Headers* headers = message.headers()) {
    for (const RdKafka::Headers::Header& header : headers->get_all()) {
      record.headers.emplace_back(
          header.key(), std::string(static_cast<const char*>(header.value()),
                                    header.value_size()));
    }
  }
  return record;
}

}  // namespace

EventConsumer::EventConsumer(const KafkaOptions& options, int partitions,
                             std::unique_ptr<RdKafka::KafkaConsumer> consumer)
    : options_(options),
      partitions_(partitions),
      consumer_(std::move(consumer)) {}

EventConsumer::~EventConsumer() {
  consumer_->unassign();
  consumer_->close();
}

absl::StatusOr<std::unique_ptr<EventConsumer>> EventConsumer::Create(
    const KafkaOptions& options, int partitions,
    const std::map<int32_t, int64_t>& starts) {
  absl::StatusOr<std::unique_ptr<RdKafka::Conf>> conf = ConsumerConf(options);
  if (!conf.ok()) return conf.status();
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf->get(), error));
  if (!consumer) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create the Kafka consumer: ", error));
  }

  std::vector<RdKafka::TopicPartition*> assignment;
  for (int32_t partition = 0; partition < partitions; ++partition) {
    auto it = starts.find(partition);
    const int64_t start =
        it == starts.end() ? RdKafka::Topic::OFFSET_BEGINNING : it->second;
    assignment.push_back(
        RdKafka::TopicPartition::create(options.topic, partition, start));
  }
  const RdKafka::ErrorCode code = consumer->assign(assignment);
  RdKafka::TopicPartition::destroy(assignment);
  if (code != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat(
        "cannot assign the topic's partitions: ", RdKafka::err2str(code)));
  }
  return std::unique_ptr<EventConsumer>(
      new EventConsumer(options, partitions, std::move(consumer)));
}

absl::StatusOr<std::vector<Record>> EventConsumer::Poll(size_t max_records,
                                                        absl::Duration wait) {
  std::vector<Record> records;
  int timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(wait));
  while (records.size() < max_records) {
    std::unique_ptr<RdKafka::Message> message(consumer_->consume(timeout_ms));
    timeout_ms = 0;
    const RdKafka::ErrorCode code = message->err();
    if (code == RdKafka::ERR__TIMED_OUT ||
        code == RdKafka::ERR__PARTITION_EOF) {
      break;
    }
    if (code != RdKafka::ERR_NO_ERROR) {
      // Transport errors are retried inside librdkafka; report the rest.
      if (message->err() == RdKafka::ERR__TRANSPORT ||
          message->err() == RdKafka::ERR__ALL_BROKERS_DOWN) {
        break;
      }
      return absl::UnavailableError(
          absl::StrCat("reading the log: ", message->errstr()));
    }
    records.push_back(ToRecord(*message));
  }
  return records;
}

absl::StatusOr<int64_t> EventConsumer::EndOffset(int32_t partition,
                                                 absl::Time deadline) {
  // Leadership of a new topic settles over a moment: retry until the
  // deadline rather than fail on the first "not leader".
  while (true) {
    const int timeout_ms = static_cast<int>(std::max<int64_t>(
        1, absl::ToInt64Milliseconds(deadline - absl::Now())));
    int64_t low = 0;
    int64_t high = 0;
    const RdKafka::ErrorCode code = consumer_->query_watermark_offsets(
        options_.topic, partition, &low, &high, timeout_ms);
    if (code == RdKafka::ERR_NO_ERROR) return high;
    if (absl::Now() >= deadline) {
      return absl::UnavailableError(
          absl::StrCat("cannot read the end of partition ", partition, ": ",
                       RdKafka::err2str(code)));
    }
    absl::SleepFor(absl::Milliseconds(100));
  }
}

absl::StatusOr<std::map<int32_t, int64_t>> EventConsumer::EndOffsets(
    absl::Duration timeout) {
  std::map<int32_t, int64_t> ends;
  const absl::Time deadline = absl::Now() + timeout;
  for (int32_t partition = 0; partition < partitions_; ++partition) {
    absl::StatusOr<int64_t> end = EndOffset(partition, deadline);
    if (!end.ok()) return end.status();
    ends[partition] = *end;
  }
  return ends;
}

}  // namespace crm::eventlog
