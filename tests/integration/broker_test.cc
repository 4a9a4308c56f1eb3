// Proves that the broker run by tools/kafka works with the librdkafka the
// services link against: topic administration, idempotent writes and reading
// everything back. The broker address comes from CRM_TEST_KAFKA.

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

namespace {

using ::testing::IsEmpty;

constexpr int kPartitions = 3;
// Twelve lead keys land on all three partitions under the default partitioner.
constexpr int kLeads = 12;
constexpr int kEventsPerLead = 20;
constexpr int kTimeoutMs = 30000;
constexpr char kNoBroker[] =
    "CRM_TEST_KAFKA is not set. Start a test broker with "
    "`KAFKA_PORT=19092 KAFKA_DATA_DIR=/tmp/crm-test-kafka tools/kafka start` "
    "and set CRM_TEST_KAFKA=127.0.0.1:19092.";

using Headers = std::vector<std::pair<std::string, std::string>>;

// One event as written by the test, and as it must come back.
struct LeadEvent {
  std::string key;
  std::string value;
  Headers headers;
};

// Owns a librdkafka C object and frees it with its own destroy function.
template <auto kDestroy>
struct Destroy {
  template <typename T>
  void operator()(T* object) const {
    kDestroy(object);
  }
};

template <typename T, auto kDestroy>
using Owned = std::unique_ptr<T, Destroy<kDestroy>>;

using AdminResult = Owned<rd_kafka_event_t, rd_kafka_event_destroy>;

std::string BrokerAddress() {
  const char* address = std::getenv("CRM_TEST_KAFKA");
  return address == nullptr ? "" : address;
}

// A topic name that no other test or earlier run has used.
std::string UniqueTopic(const std::string& purpose) {
  static int counter = 0;
  const auto now = std::chrono::system_clock::now().time_since_epoch();
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now).count();
  return "broker-test-" + purpose + "-" + std::to_string(getpid()) + "-" +
         std::to_string(millis) + "-" + std::to_string(++counter);
}

// The lead events every write test sends: kEventsPerLead per lead, written
// round-robin across leads so that keys sharing a partition interleave.
std::vector<LeadEvent> PlannedEvents() {
  std::vector<LeadEvent> events;
  for (int seq = 0; seq < kEventsPerLead; ++seq) {
    for (int lead = 0; lead < kLeads; ++lead) {
      const std::string key = "lead-" + std::to_string(lead);
      events.push_back(
          {key,
           key + "/event-" + std::to_string(seq),
           {{"event-seq", std::to_string(seq)}, {"source", "broker_test"}}});
    }
  }
  return events;
}

std::unique_ptr<RdKafka::Conf> MakeConf(
    const std::map<std::string, std::string>& settings) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  for (const auto& [name, value] : settings) {
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      ADD_FAILURE() << name << "=" << value << ": " << error;
    }
  }
  return conf;
}

// A plain producer, used as the handle for admin and metadata requests.
std::unique_ptr<RdKafka::Producer> MakeClient(const std::string& brokers) {
  const auto conf = MakeConf({{"bootstrap.servers", brokers}});
  std::string error;
  std::unique_ptr<RdKafka::Producer> client(
      RdKafka::Producer::create(conf.get(), error));
  EXPECT_NE(client, nullptr) << error;
  return client;
}

// Waits for the result of the admin request that replies on `queue`.
AdminResult AwaitAdminResult(rd_kafka_queue_t* queue) {
  return AdminResult(rd_kafka_queue_poll(queue, kTimeoutMs + 5000));
}

using AdminOptionsPtr =
    Owned<rd_kafka_AdminOptions_t, rd_kafka_AdminOptions_destroy>;

AdminOptionsPtr AdminOptions(RdKafka::Handle& client,
                             rd_kafka_admin_op_t operation) {
  AdminOptionsPtr options(rd_kafka_AdminOptions_new(client.c_ptr(), operation));
  char error[512];
  if (rd_kafka_AdminOptions_set_request_timeout(options.get(), kTimeoutMs,
                                                error, sizeof error) !=
      RD_KAFKA_RESP_ERR_NO_ERROR) {
    ADD_FAILURE() << error;
  }
  return options;
}

void CreateTopic(RdKafka::Handle& client, const std::string& topic) {
  char error[512];
  Owned<rd_kafka_NewTopic_t, rd_kafka_NewTopic_destroy> new_topic(
      rd_kafka_NewTopic_new(topic.c_str(), kPartitions, 1, error,
                            sizeof error));
  ASSERT_NE(new_topic, nullptr) << error;
  ASSERT_EQ(rd_kafka_NewTopic_set_config(new_topic.get(), "retention.ms", "-1"),
            RD_KAFKA_RESP_ERR_NO_ERROR);
  ASSERT_EQ(
      rd_kafka_NewTopic_set_config(new_topic.get(), "cleanup.policy", "delete"),
      RD_KAFKA_RESP_ERR_NO_ERROR);

  Owned<rd_kafka_queue_t, rd_kafka_queue_destroy> queue(
      rd_kafka_queue_new(client.c_ptr()));
  const auto options = AdminOptions(client, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  // Makes the controller answer only once the topic exists.
  ASSERT_EQ(rd_kafka_AdminOptions_set_operation_timeout(
                options.get(), kTimeoutMs, error, sizeof error),
            RD_KAFKA_RESP_ERR_NO_ERROR)
      << error;
  rd_kafka_NewTopic_t* topics[] = {new_topic.get()};
  rd_kafka_CreateTopics(client.c_ptr(), topics, 1, options.get(), queue.get());
  const AdminResult event = AwaitAdminResult(queue.get());
  ASSERT_NE(event, nullptr) << "no CreateTopics result";
  ASSERT_EQ(rd_kafka_event_error(event.get()), RD_KAFKA_RESP_ERR_NO_ERROR)
      << rd_kafka_event_error_string(event.get());

  size_t count = 0;
  const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(
      rd_kafka_event_CreateTopics_result(event.get()), &count);
  ASSERT_EQ(count, 1u);
  ASSERT_EQ(rd_kafka_topic_result_error(results[0]), RD_KAFKA_RESP_ERR_NO_ERROR)
      << rd_kafka_topic_result_error_string(results[0]);
}

void DescribeTopicConfig(RdKafka::Handle& client, const std::string& topic,
                         std::map<std::string, std::string>* config) {
  Owned<rd_kafka_ConfigResource_t, rd_kafka_ConfigResource_destroy> resource(
      rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic.c_str()));
  Owned<rd_kafka_queue_t, rd_kafka_queue_destroy> queue(
      rd_kafka_queue_new(client.c_ptr()));
  const auto options = AdminOptions(client, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS);
  rd_kafka_ConfigResource_t* resources[] = {resource.get()};
  rd_kafka_DescribeConfigs(client.c_ptr(), resources, 1, options.get(),
                           queue.get());
  const AdminResult event = AwaitAdminResult(queue.get());
  ASSERT_NE(event, nullptr) << "no DescribeConfigs result";
  ASSERT_EQ(rd_kafka_event_error(event.get()), RD_KAFKA_RESP_ERR_NO_ERROR)
      << rd_kafka_event_error_string(event.get());

  size_t count = 0;
  const rd_kafka_ConfigResource_t** described =
      rd_kafka_DescribeConfigs_result_resources(
          rd_kafka_event_DescribeConfigs_result(event.get()), &count);
  ASSERT_EQ(count, 1u);
  ASSERT_EQ(rd_kafka_ConfigResource_error(described[0]),
            RD_KAFKA_RESP_ERR_NO_ERROR)
      << rd_kafka_ConfigResource_error_string(described[0]);

  size_t entry_count = 0;
  const rd_kafka_ConfigEntry_t** entries =
      rd_kafka_ConfigResource_configs(described[0], &entry_count);
  for (size_t i = 0; i < entry_count; ++i) {
    const char* value = rd_kafka_ConfigEntry_value(entries[i]);
    (*config)[rd_kafka_ConfigEntry_name(entries[i])] = value ? value : "";
  }
}

// The topic's partition count as the broker reports it, 0 while unknown.
int PartitionCount(RdKafka::Handle& client, const std::string& topic) {
  RdKafka::Metadata* raw = nullptr;
  if (client.metadata(true, nullptr, &raw, kTimeoutMs) !=
      RdKafka::ERR_NO_ERROR) {
    return 0;
  }
  const std::unique_ptr<RdKafka::Metadata> metadata(raw);
  for (const RdKafka::TopicMetadata* listed : *metadata->topics()) {
    if (listed->topic() == topic && listed->err() == RdKafka::ERR_NO_ERROR) {
      return static_cast<int>(listed->partitions()->size());
    }
  }
  return 0;
}

// Creation returns before the broker's metadata cache lists the topic; this
// waits for it so that producers do not see an unknown topic.
int AwaitPartitions(RdKafka::Handle& client, const std::string& topic) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kTimeoutMs);
  int partitions = PartitionCount(client, topic);
  while (partitions == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    partitions = PartitionCount(client, topic);
  }
  return partitions;
}

void CreateReadyTopic(const std::string& brokers, const std::string& topic) {
  const auto client = MakeClient(brokers);
  ASSERT_NE(client, nullptr);
  ASSERT_NO_FATAL_FAILURE(CreateTopic(*client, topic));
  ASSERT_EQ(AwaitPartitions(*client, topic), kPartitions);
}

// Counts the writes the broker acknowledged and keeps the errors of others.
struct DeliveryLog : RdKafka::DeliveryReportCb {
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() == RdKafka::ERR_NO_ERROR &&
        message.status() == RdKafka::Message::MSG_STATUS_PERSISTED) {
      ++persisted;
    } else {
      errors.push_back(message.errstr());
    }
  }

  int persisted = 0;
  std::vector<std::string> errors;
};

// Takes the event by value: produce() wants mutable buffers even though
// RK_MSG_COPY only reads them.
void Produce(RdKafka::Producer& producer, const std::string& topic,
             LeadEvent event) {
  RdKafka::Headers* headers = RdKafka::Headers::create();
  for (const auto& [name, value] : event.headers) headers->add(name, value);
  const RdKafka::ErrorCode error = producer.produce(
      topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
      event.value.data(), event.value.size(), event.key.data(),
      event.key.size(), 0, headers, nullptr);
  // On success the producer owns the headers; on failure they stay ours.
  if (error != RdKafka::ERR_NO_ERROR) {
    delete headers;
    ADD_FAILURE() << "produce: " << RdKafka::err2str(error);
  }
}

void ProduceAll(const std::string& brokers, const std::string& topic,
                const std::vector<LeadEvent>& events, DeliveryLog* log) {
  const auto conf = MakeConf({{"bootstrap.servers", brokers},
                              {"enable.idempotence", "true"},
                              {"acks", "all"}});
  std::string error;
  ASSERT_EQ(conf->set("dr_cb", log, error), RdKafka::Conf::CONF_OK) << error;
  std::unique_ptr<RdKafka::Producer> producer(
      RdKafka::Producer::create(conf.get(), error));
  ASSERT_NE(producer, nullptr) << error;

  for (const LeadEvent& event : events) Produce(*producer, topic, event);
  EXPECT_EQ(producer->flush(kTimeoutMs), RdKafka::ERR_NO_ERROR);
  EXPECT_EQ(producer->outq_len(), 0);
}

LeadEvent ToLeadEvent(RdKafka::Message& message) {
  LeadEvent record;
  if (message.key() != nullptr) record.key = *message.key();
  record.value.assign(static_cast<const char*>(message.payload()),
                      message.len());
  if (RdKafka::Headers* headers = message.headers()) {
    for (const RdKafka::Headers::Header& header : headers->get_all()) {
      record.headers.emplace_back(
          header.key(), std::string(static_cast<const char*>(header.value()),
                                    header.value_size()));
    }
  }
  return record;
}

// Reads every partition from its first offset up to its end, without a
// consumer group rebalance: partitions are assigned directly.
void ConsumeAll(const std::string& brokers, const std::string& topic,
                std::vector<LeadEvent>* records) {
  const auto conf = MakeConf({{"bootstrap.servers", brokers},
                              {"group.id", topic + "-reader"},
                              {"enable.auto.commit", "false"},
                              {"enable.partition.eof", "true"}});
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf.get(), error));
  ASSERT_NE(consumer, nullptr) << error;

  std::vector<RdKafka::TopicPartition*> partitions;
  for (int partition = 0; partition < kPartitions; ++partition) {
    partitions.push_back(RdKafka::TopicPartition::create(
        topic, partition, RdKafka::Topic::OFFSET_BEGINNING));
  }
  const RdKafka::ErrorCode assigned = consumer->assign(partitions);
  RdKafka::TopicPartition::destroy(partitions);
  ASSERT_EQ(assigned, RdKafka::ERR_NO_ERROR) << RdKafka::err2str(assigned);

  std::set<int32_t> at_end;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kTimeoutMs);
  while (at_end.size() < static_cast<size_t>(kPartitions) &&
         std::chrono::steady_clock::now() < deadline) {
    const std::unique_ptr<RdKafka::Message> message(consumer->consume(500));
    switch (message->err()) {
      case RdKafka::ERR_NO_ERROR:
        records->push_back(ToLeadEvent(*message));
        break;
      case RdKafka::ERR__PARTITION_EOF:
        at_end.insert(message->partition());
        break;
      case RdKafka::ERR__TIMED_OUT:
        break;
      default:
        ADD_FAILURE() << "consume: " << message->errstr();
    }
  }
  consumer->close();
  ASSERT_EQ(at_end.size(), static_cast<size_t>(kPartitions))
      << "not every partition was read";
}

// The story shared by the read-back tests: a fresh topic, the planned
// events written to it, and everything read back from the beginning.
void WriteAndReadBack(std::vector<LeadEvent>* records) {
  const std::string brokers = BrokerAddress();
  ASSERT_FALSE(brokers.empty()) << kNoBroker;
  const std::string topic = UniqueTopic("read-back");
  ASSERT_NO_FATAL_FAILURE(CreateReadyTopic(brokers, topic));
  DeliveryLog log;
  ASSERT_NO_FATAL_FAILURE(ProduceAll(brokers, topic, PlannedEvents(), &log));
  ASSERT_THAT(log.errors, IsEmpty());
  ASSERT_NO_FATAL_FAILURE(ConsumeAll(brokers, topic, records));
}

std::map<std::string, std::vector<std::string>> ValuesByKey(
    const std::vector<LeadEvent>& records) {
  std::map<std::string, std::vector<std::string>> values;
  for (const LeadEvent& record : records) {
    values[record.key].push_back(record.value);
  }
  return values;
}

TEST(KafkaBroker, CreatesTopicWithThreePartitions) {
  const std::string brokers = BrokerAddress();
  ASSERT_FALSE(brokers.empty()) << kNoBroker;
  const auto client = MakeClient(brokers);
  ASSERT_NE(client, nullptr);
  const std::string topic = UniqueTopic("create");

  ASSERT_NO_FATAL_FAILURE(CreateTopic(*client, topic));

  EXPECT_EQ(AwaitPartitions(*client, topic), kPartitions);
}

TEST(KafkaBroker, KeepsTopicConfigGivenAtCreation) {
  const std::string brokers = BrokerAddress();
  ASSERT_FALSE(brokers.empty()) << kNoBroker;
  const std::string topic = UniqueTopic("config");
  ASSERT_NO_FATAL_FAILURE(CreateReadyTopic(brokers, topic));
  const auto client = MakeClient(brokers);
  ASSERT_NE(client, nullptr);

  std::map<std::string, std::string> config;
  ASSERT_NO_FATAL_FAILURE(DescribeTopicConfig(*client, topic, &config));

  EXPECT_EQ(config["retention.ms"], "-1");
  EXPECT_EQ(config["cleanup.policy"], "delete");
}

TEST(KafkaBroker, PersistsEveryIdempotentWrite) {
  const std::string brokers = BrokerAddress();
  ASSERT_FALSE(brokers.empty()) << kNoBroker;
  const std::string topic = UniqueTopic("write");
  ASSERT_NO_FATAL_FAILURE(CreateReadyTopic(brokers, topic));

  DeliveryLog log;
  ASSERT_NO_FATAL_FAILURE(ProduceAll(brokers, topic, PlannedEvents(), &log));

  EXPECT_THAT(log.errors, IsEmpty());
  EXPECT_EQ(log.persisted, kLeads * kEventsPerLead);
}

TEST(KafkaBroker, ReadsBackEveryMessageExactlyOnce) {
  std::vector<LeadEvent> records;
  ASSERT_NO_FATAL_FAILURE(WriteAndReadBack(&records));

  std::multiset<std::string> values;
  for (const LeadEvent& record : records) values.insert(record.value);
  std::multiset<std::string> planned;
  for (const LeadEvent& event : PlannedEvents()) planned.insert(event.value);
  EXPECT_EQ(values, planned);
}

TEST(KafkaBroker, KeepsOrderPerKey) {
  std::vector<LeadEvent> records;
  ASSERT_NO_FATAL_FAILURE(WriteAndReadBack(&records));

  EXPECT_EQ(ValuesByKey(records), ValuesByKey(PlannedEvents()));
}

TEST(KafkaBroker, ReadsBackKeysAndHeaders) {
  std::vector<LeadEvent> records;
  ASSERT_NO_FATAL_FAILURE(WriteAndReadBack(&records));

  std::map<std::string, LeadEvent> planned_by_value;
  for (const LeadEvent& event : PlannedEvents()) {
    planned_by_value[event.value] = event;
  }
  ASSERT_EQ(records.size(), planned_by_value.size());
  for (const LeadEvent& record : records) {
    const LeadEvent& planned = planned_by_value[record.value];
    EXPECT_EQ(record.key, planned.key) << record.value;
    EXPECT_EQ(record.headers, planned.headers) << record.value;
  }
}

}  // namespace
