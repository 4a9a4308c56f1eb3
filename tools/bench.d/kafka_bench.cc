#include "tools/bench.d/kafka_bench.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>
#include <thread>

#include <absl/strings/str_cat.h>
#include <grpcpp/grpcpp.h>
#include <librdkafka/rdkafkacpp.h>
#include <sys/wait.h>

#include "grpc/health/v1/health.grpc.pb.h"
#include "libs/eventlog/producer.h"
#include "libs/eventlog/topic_admin.h"

extern char** environ;

namespace crm::bench {
namespace {

nlohmann::json Rate(int64_t events, absl::Duration elapsed) {
  const double seconds = absl::ToDoubleSeconds(elapsed);
  nlohmann::json result;
  result["events"] = events;
  result["seconds"] = seconds;
  result["per_second"] = seconds > 0 ? events / seconds : 0;
  return result;
}

absl::StatusOr<std::unique_ptr<RdKafka::Conf>> Conf(
    const eventlog::KafkaOptions& options,
    const std::vector<std::pair<std::string, std::string>>& settings) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string error;
  std::vector<std::pair<std::string, std::string>> all = {
      {"bootstrap.servers", options.brokers}};
  all.insert(all.end(), settings.begin(), settings.end());
  all.insert(all.end(), options.properties.begin(), options.properties.end());
  for (const auto& [name, value] : all) {
    if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat(name, ": ", error));
    }
  }
  return conf;
}

class CountingReports : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() != RdKafka::ERR_NO_ERROR) ++errors;
  }

  std::atomic<int64_t> errors{0};
};

RdKafka::ErrorCode ProduceOne(RdKafka::Producer& producer,
                              const std::string& topic,
                              const eventlog::Record& record) {
  RdKafka::Headers* headers = RdKafka::Headers::create();
  for (const auto& [name, value] : record.headers) {
    headers->add(name, value.data(), value.size());
  }
  RdKafka::ErrorCode code = producer.produce(
      topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
      const_cast<char*>(record.value.data()), record.value.size(),
      record.key.data(), record.key.size(), 0, headers, nullptr);
  if (code != RdKafka::ERR_NO_ERROR) delete headers;
  return code;
}

absl::StatusOr<int> EnsureTopic(const eventlog::KafkaOptions& options) {
  absl::StatusOr<eventlog::TopicDescription> topic =
      eventlog::EnsureEventTopic(options, absl::Seconds(15));
  if (!topic.ok()) return topic.status();
  return topic->partitions;
}

absl::StatusOr<int64_t> TopicSize(RdKafka::KafkaConsumer& consumer,
                                  const std::string& topic, int partitions) {
  int64_t total = 0;
  for (int32_t partition = 0; partition < partitions; ++partition) {
    int64_t low = 0, high = 0;
    RdKafka::ErrorCode code =
        consumer.query_watermark_offsets(topic, partition, &low, &high, 10000);
    if (code != RdKafka::ERR_NO_ERROR) {
      return absl::UnavailableError(RdKafka::err2str(code));
    }
    total += high - low;
  }
  return total;
}

// Waits for `port_file` to name a port, then for SERVING on it.
absl::Status AwaitServing(const std::string& port_file, pid_t pid,
                          absl::Time give_up) {
  std::string port;
  while (port.empty()) {
    if (absl::Now() > give_up || waitpid(pid, nullptr, WNOHANG) != 0) {
      return absl::DeadlineExceededError("the service did not start");
    }
    std::ifstream(port_file) >> port;
    if (port.empty()) absl::SleepFor(absl::Milliseconds(5));
  }
  auto channel = grpc::CreateChannel("127.0.0.1:" + port,
                                     grpc::InsecureChannelCredentials());
  auto health = grpc::health::v1::Health::NewStub(channel);
  while (absl::Now() < give_up) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(1));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    if (health->Check(&context, request, &response).ok() &&
        response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return absl::OkStatus();
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  return absl::DeadlineExceededError("the service did not become SERVING");
}

// The record count of the projector's "caught up" log line, or -1.
int64_t RecordsReadFromLog(const std::string& log) {
  std::ifstream in(log);
  std::stringstream text;
  text << in.rdbuf();
  const std::string content = text.str();
  static const std::regex kCaughtUp("caught up .* after reading ([0-9]+)");
  std::smatch match;
  if (!std::regex_search(content, match, kCaughtUp)) return -1;
  return std::stoll(match[1]);
}

absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& arguments,
                            const std::string& log) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> argv;
  for (const std::string& argument : arguments) {
    argv.push_back(const_cast<char*>(argument.c_str()));
  }
  argv.push_back(nullptr);
  pid_t pid = 0;
  const int error =
      posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) return absl::InternalError("cannot start " + arguments[0]);
  return pid;
}

}  // namespace

absl::StatusOr<nlohmann::json> ProduceWithEventLog(
    const eventlog::KafkaOptions& options,
    const std::vector<eventlog::Record>& records, int threads) {
  if (absl::StatusOr<int> p = EnsureTopic(options); !p.ok()) return p.status();
  auto producer = eventlog::EventProducer::Create(options);
  if (!producer.ok()) return producer.status();
  std::atomic<size_t> next{0};
  std::atomic<int64_t> errors{0};
  const absl::Time start = absl::Now();
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) {
    workers.emplace_back([&] {
      for (size_t n = next++; n < records.size(); n = next++) {
        if (!(*producer)
                 ->Append(records[n], absl::Now() + absl::Seconds(30))
                 .ok()) {
          ++errors;
        }
      }
    });
  }
  for (std::thread& worker : workers) worker.join();
  nlohmann::json result = Rate(records.size() - errors, absl::Now() - start);
  result["errors"] = errors.load();
  result["threads"] = threads;
  return result;
}

absl::StatusOr<nlohmann::json> ProduceRaw(
    const eventlog::KafkaOptions& options,
    const std::vector<eventlog::Record>& records) {
  if (absl::StatusOr<int> p = EnsureTopic(options); !p.ok()) return p.status();
  CountingReports reports;
  auto conf = Conf(options, {{"enable.idempotence", "true"},
                             {"acks", "all"},
                             {"partitioner", "murmur2_random"},
                             {"linger.ms", "2"},
                             {"socket.nagle.disable", "true"},
                             {"message.timeout.ms", "30000"},
                             {"client.id", "crm-leads-bench"}});
  if (!conf.ok()) return conf.status();
  std::string error;
  (*conf)->set("dr_cb", &reports, error);
  std::unique_ptr<RdKafka::Producer> producer(
      RdKafka::Producer::create(conf->get(), error));
  if (!producer) return absl::InternalError(error);
  const absl::Time start = absl::Now();
  for (const eventlog::Record& record : records) {
    while (ProduceOne(*producer, options.topic, record) ==
           RdKafka::ERR__QUEUE_FULL) {
      producer->poll(10);
    }
    producer->poll(0);
  }
  if (producer->flush(60000) != RdKafka::ERR_NO_ERROR) {
    return absl::DeadlineExceededError("raw producer did not flush in time");
  }
  nlohmann::json result =
      Rate(records.size() - reports.errors, absl::Now() - start);
  result["errors"] = reports.errors.load();
  return result;
}

absl::StatusOr<nlohmann::json> ReadRaw(const eventlog::KafkaOptions& options) {
  const absl::Time start = absl::Now();
  absl::StatusOr<eventlog::TopicDescription> topic =
      eventlog::DescribeTopic(options, absl::Seconds(10));
  if (!topic.ok()) return topic.status();
  auto conf = Conf(options, {{"group.id", "crm-leads-bench-raw"},
                             {"enable.auto.commit", "false"},
                             {"enable.partition.eof", "false"},
                             {"fetch.wait.max.ms", "50"},
                             {"socket.nagle.disable", "true"}});
  if (!conf.ok()) return conf.status();
  std::string error;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(conf->get(), error));
  if (!consumer) return absl::InternalError(error);
  absl::StatusOr<int64_t> total =
      TopicSize(*consumer, options.topic, topic->partitions);
  if (!total.ok()) return total.status();
  std::vector<RdKafka::TopicPartition*> partitions;
  for (int32_t p = 0; p < topic->partitions; ++p) {
    partitions.push_back(RdKafka::TopicPartition::create(
        options.topic, p, RdKafka::Topic::OFFSET_BEGINNING));
  }
  consumer->assign(partitions);
  RdKafka::TopicPartition::destroy(partitions);
  int64_t read = 0;
  const absl::Time give_up = absl::Now() + absl::Minutes(5);
  while (read < *total && absl::Now() < give_up) {
    std::unique_ptr<RdKafka::Message> message(consumer->consume(100));
    if (message->err() == RdKafka::ERR_NO_ERROR) ++read;
  }
  const absl::Duration elapsed = absl::Now() - start;
  consumer->close();
  if (read < *total) return absl::DeadlineExceededError("raw read timed out");
  return Rate(read, elapsed);
}

absl::StatusOr<nlohmann::json> TimeReplay(const std::string& service_bin,
                                          const eventlog::KafkaOptions& options,
                                          const std::string& data_dir) {
  std::filesystem::remove_all(data_dir);
  std::filesystem::create_directories(data_dir);
  const std::string port_file = data_dir + "/port";
  const std::string log = data_dir + "/service.log";
  const absl::Time start = absl::Now();
  absl::StatusOr<pid_t> pid =
      Spawn({service_bin, "--listen", "127.0.0.1:0", "--port-file", port_file,
             "--brokers", options.brokers, "--topic", options.topic,
             "--data-dir", data_dir + "/leads"},
            log);
  if (!pid.ok()) return pid.status();
  absl::Status serving =
      AwaitServing(port_file, *pid, start + absl::Minutes(10));
  const absl::Duration elapsed = absl::Now() - start;
  kill(*pid, SIGTERM);
  waitpid(*pid, nullptr, 0);
  if (!serving.ok()) {
    return absl::Status(serving.code(),
                        absl::StrCat(serving.message(), " (log: ", log, ")"));
  }
  return Rate(RecordsReadFromLog(log), elapsed);
}

}  // namespace crm::bench
