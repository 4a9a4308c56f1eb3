#include "libs/eventlog/producer.h"

#include <future>
#include <string>

#include <absl/strings/str_cat.h>
#include <librdkafka/rdkafkacpp.h>

namespace crm::eventlog {

namespace {

// What a delivery report said, handed from the reporting thread to the
// appending one.
struct Delivery {
  std::promise<absl::StatusOr<Position>> result;
};

class ReportHandler : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    auto* delivery = static_cast<Delivery*>(message.msg_opaque());
    if (message.err() == RdKafka::ERR_NO_ERROR) {
      delivery->result.set_value(
          Position{message.partition(), message.offset()});
    } else {
      delivery->result.set_value(absl::UnavailableError(
          absl::StrCat("the log refused the event: ", message.errstr())));
    }
    delete delivery;
  }
};

ReportHandler& Handler() {
  static ReportHandler* const handler = new ReportHandler;
  return *handler;
}

absl::Status Set(RdKafka::Conf* conf, const std::string& name,
                 const std::string& value) {
  std::string error;
  if (conf->set(name, value, error) != RdKafka::Conf::CONF_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("Kafka producer setting ", name, ": ", error));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<RdKafka::Conf>> ProducerConf(
    const KafkaOptions& options) {
  std::unique_ptr<RdKafka::Conf> conf(
      RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  const std::pair<std::string, std::string> defaults[] = {
      {"bootstrap.servers", options.brokers},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"partitioner", "murmur2_random"},
      {"linger.ms", "2"},
      {"socket.nagle.disable", "true"},
      {"message.timeout.ms", "30000"},
      {"client.id", "crm-leads"},
  };
  for (const auto& [name, value] : defaults) {
    if (absl::Status s = Set(conf.get(), name, value); !s.ok()) return s;
  }
  for (const auto& [name, value] : options.properties) {
    if (absl::Status s = Set(conf.get(), name, value); !s.ok()) return s;
  }
  std::string error;
  conf->set("dr_cb", &Handler(), error);
  return conf;
}

}  // namespace

EventProducer::EventProducer(const KafkaOptions& options) : options_(options) {}

absl::StatusOr<std::unique_ptr<EventProducer>> EventProducer::Create(
    const KafkaOptions& options) {
  std::unique_ptr<EventProducer> producer(new EventProducer(options));
  {
    absl::MutexLock lock(&producer->mutex_);
    if (absl::Status s = producer->Connect(); !s.ok()) return s;
  }
  producer->reporter_ =
      std::thread([p = producer.get()] { p->ServeReports(); });
  return producer;
}

EventProducer::~EventProducer() {
  stopping_ = true;
  if (reporter_.joinable()) reporter_.join();
  absl::MutexLock lock(&mutex_);
  if (producer_) producer_->flush(5000);
}

absl::Status EventProducer::Connect() {
  absl::StatusOr<std::unique_ptr<RdKafka::Conf>> conf = ProducerConf(options_);
  if (!conf.ok()) return conf.status();
  std::string error;
  producer_.reset(RdKafka::Producer::create(conf->get(), error));
  if (!producer_) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot create the Kafka producer: ", error));
  }
  return absl::OkStatus();
}

bool EventProducer::HasFatalError() {
  absl::ReaderMutexLock lock(&mutex_);
  std::string reason;
  return producer_->fatal_error(reason) != RdKafka::ERR_NO_ERROR;
}

void EventProducer::ServeReports() {
  while (!stopping_) {
    absl::ReaderMutexLock lock(&mutex_);
    producer_->poll(50);
  }
}

absl::StatusOr<Position> EventProducer::Append(const Record& record,
                                               absl::Time deadline) {
  // A fatal idempotence error poisons the producer: start a new one.
  if (HasFatalError()) {
    absl::MutexLock lock(&mutex_);
    std::string reason;
    if (producer_->fatal_error(reason) != RdKafka::ERR_NO_ERROR) {
      producer_->purge(RdKafka::Producer::PURGE_QUEUE);
      producer_->flush(1000);
      if (absl::Status s = Connect(); !s.ok()) return s;
    }
  }

  RdKafka::Headers* headers = RdKafka::Headers::create();
  for (const auto& [name, value] : record.headers) {
    headers->add(name, value);
  }
  auto* delivery = new Delivery;
  std::future<absl::StatusOr<Position>> result = delivery->result.get_future();

  RdKafka::ErrorCode code;
  {
    absl::ReaderMutexLock lock(&mutex_);
    code = producer_->produce(
        options_.topic, RdKafka::Topic::PARTITION_UA,
        RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(record.value.data()),
        record.value.size(), record.key.data(), record.key.size(),
        record.timestamp_ms, headers, delivery);
  }
  if (code != RdKafka::ERR_NO_ERROR) {
    delete headers;
    delete delivery;
    return absl::UnavailableError(absl::StrCat(
        "cannot queue the event for the log: ", RdKafka::err2str(code)));
  }

  if (result.wait_until(absl::ToChronoTime(deadline)) !=
      std::future_status::ready) {
    return absl::UnavailableError(
        "the log did not acknowledge the event before the deadline; its "
        "outcome is unknown: retry with the same request_id");
  }
  return result.get();
}

}  // namespace crm::eventlog
