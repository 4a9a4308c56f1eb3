#include "tests/services/leads/lead_stack.h"

#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "crm/leads/v1/errors.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "libs/eventlog/consumer.h"
#include "libs/eventlog/producer.h"
#include "libs/eventlog/topic_admin.h"

namespace crm::testing {

namespace {

std::unique_ptr<grpc::ClientContext> Context(double deadline_s) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(
      std::chrono::system_clock::now() +
      std::chrono::milliseconds(static_cast<int64_t>(deadline_s * 1000)));
  return context;
}

bool AwaitServing(const std::shared_ptr<grpc::Channel>& channel) {
  auto health = grpc::health::v1::Health::NewStub(channel);
  for (int attempt = 0; attempt < 600; ++attempt) {
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    auto context = Context(1);
    if (health->Check(context.get(), request, &response).ok() &&
        response.status() == grpc::health::v1::HealthCheckResponse::SERVING) {
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

}  // namespace

LeadStack::LeadStack(int partitions, std::string brokers)
    : brokers_(brokers.empty() ? TestBrokers() : std::move(brokers)),
      topic_(UniqueTopic("crm.leads.events.v1.test")) {
  std::filesystem::create_directories(data_dir());
  process_ = std::make_unique<ServiceProcess>(
      CRM_LEADS_SERVICE_BIN,
      std::vector<std::string>{"--brokers", brokers_, "--topic", topic_,
                               "--partitions", std::to_string(partitions),
                               "--listen", "127.0.0.1:0", "--data-dir",
                               data_dir(), "--command-timeout", "10"},
      dir_.path() + "/service.log");
}

bool LeadStack::Start() {
  if (!process_->Start()) return false;
  auto channel = grpc::CreateChannel(process_->address(),
                                     grpc::InsecureChannelCredentials());
  stub_ = leads::v1::LeadService::NewStub(channel);
  return AwaitServing(channel);
}

void LeadStack::Stop() { process_->Stop(); }

void LeadStack::Kill() { process_->Kill(); }

grpc::Status LeadStack::Create(const leads::v1::CreateLeadRequest& request,
                               leads::v1::Lead* lead, const std::string& actor,
                               double deadline_s) {
  auto context = Context(deadline_s);
  if (!actor.empty()) context->AddMetadata("x-crm-actor", actor);
  return stub_->CreateLead(context.get(), request, lead);
}

grpc::Status LeadStack::Update(const leads::v1::UpdateLeadRequest& request,
                               leads::v1::Lead* lead) {
  auto context = Context(10);
  return stub_->UpdateLead(context.get(), request, lead);
}

grpc::Status LeadStack::Get(const std::string& id, leads::v1::Lead* lead,
                            int64_t min_version, double deadline_s) {
  leads::v1::GetLeadRequest request;
  request.set_id(id);
  request.set_min_version(min_version);
  auto context = Context(deadline_s);
  return stub_->GetLead(context.get(), request, lead);
}

grpc::Status LeadStack::List(const leads::v1::ListLeadsRequest& request,
                             leads::v1::ListLeadsResponse* response) {
  auto context = Context(10);
  return stub_->ListLeads(context.get(), request, response);
}

std::vector<eventlog::Record> LeadStack::ReadTopic() {
  eventlog::KafkaOptions options;
  options.brokers = brokers_;
  options.topic = topic_;
  auto description = eventlog::DescribeTopic(options, absl::Seconds(10));
  EXPECT_TRUE(description.ok()) << description.status();
  if (!description.ok()) return {};

  auto consumer =
      eventlog::EventConsumer::Create(options, description->partitions, {});
  EXPECT_TRUE(consumer.ok()) << consumer.status();
  auto ends = (*consumer)->EndOffsets(absl::Seconds(10));
  int64_t remaining = 0;
  for (const auto& [partition, end] : *ends) remaining += end;

  std::vector<eventlog::Record> records;
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (static_cast<int64_t>(records.size()) < remaining &&
         absl::Now() < give_up) {
    auto batch = (*consumer)->Poll(1000, absl::Milliseconds(200));
    if (!batch.ok()) break;
    for (auto& record : *batch) records.push_back(std::move(record));
  }
  return records;
}

void LeadStack::WriteRecord(const eventlog::Record& record) {
  eventlog::KafkaOptions options;
  options.brokers = brokers_;
  options.topic = topic_;
  auto producer = eventlog::EventProducer::Create(options);
  ASSERT_TRUE(producer.ok()) << producer.status();
  auto position = (*producer)->Append(record, absl::Now() + absl::Seconds(10));
  ASSERT_TRUE(position.ok()) << position.status();
}

leads::v1::CreateLeadRequest NewLead(const std::string& name,
                                     const std::string& request_id) {
  leads::v1::CreateLeadRequest request;
  request.mutable_lead()->set_name(name);
  request.set_request_id(request_id);
  return request;
}

leads::v1::UpdateLeadRequest RenameLead(const std::string& id,
                                        const std::string& name) {
  leads::v1::UpdateLeadRequest request;
  request.mutable_lead()->set_id(id);
  request.mutable_lead()->set_name(name);
  request.mutable_update_mask()->add_paths("name");
  return request;
}

template <typename T>
bool ErrorDetail(const grpc::Status& status, T* detail) {
  leads::v1::ErrorStatus error;
  if (!error.ParseFromString(status.error_details())) return false;
  for (const google::protobuf::Any& any : error.details()) {
    if (any.UnpackTo(detail)) return true;
  }
  return false;
}

template bool ErrorDetail(const grpc::Status&, leads::v1::BadRequest*);
template bool ErrorDetail(const grpc::Status&, leads::v1::VersionConflict*);
template bool ErrorDetail(const grpc::Status&, leads::v1::DuplicateLeads*);

}  // namespace crm::testing
