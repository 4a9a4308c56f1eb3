// The event store's guarantees, each shown on a real leads-service process
// and the real test broker: read-your-writes, the record layout, idempotent
// retries, optimistic concurrency, crash safety, arbitration, the topic
// check and refusal of bad input.

#include <atomic>
#include <map>
#include <mutex>
#include <regex>
#include <thread>

#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include "crm/leads/v1/errors.pb.h"
#include "libs/domain/lead_fields.h"
#include "libs/eventlog/topic_admin.h"
#include "libs/store/read_model.h"
#include "tests/services/leads/lead_stack.h"

namespace crm::leads {
namespace {

using crm::testing::ErrorDetail;
using crm::testing::LeadStack;
using crm::testing::NewLead;
using google::protobuf::util::TimeUtil;
using ::testing::HasSubstr;

class GuaranteesE2E : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(stack_.Start()) << stack_.Log(); }

  v1::Lead MustCreate(const std::string& name,
                      const std::string& request_id = "") {
    v1::Lead lead;
    grpc::Status status = stack_.Create(NewLead(name, request_id), &lead);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return lead;
  }

  // The read model as the stopped service left it.
  std::unique_ptr<store::ReadModel> StoppedReadModel() {
    stack_.Stop();
    auto model = store::ReadModel::Open(stack_.data_dir() + "/readmodel");
    EXPECT_TRUE(model.ok()) << model.status();
    return model.ok() ? *std::move(model) : nullptr;
  }

  LeadStack stack_;
};

// 1. Read-your-writes and min_version.

TEST_F(GuaranteesE2E, AcknowledgedUpdateIsSeenAtOnceWithItsVersion) {
  const v1::Lead created = MustCreate("Acme");
  v1::Lead updated;
  ASSERT_TRUE(
      stack_.Update(crm::testing::RenameLead(created.id(), "Acme 2"), &updated)
          .ok());
  EXPECT_EQ(updated.version(), 2);

  v1::Lead read;
  ASSERT_TRUE(stack_.Get(created.id(), &read).ok());
  EXPECT_EQ(read.version(), 2);
  EXPECT_EQ(read.name(), "Acme 2");
  EXPECT_EQ(stack_.ReadTopic().size(), 2u);
}

TEST_F(GuaranteesE2E, MinVersionNotReachedIsDeadlineExceeded) {
  const v1::Lead created = MustCreate("Acme");
  v1::Lead read;
  grpc::Status status = stack_.Get(created.id(), &read, 2, 1.0);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
}

TEST_F(GuaranteesE2E, MinVersionWaitsForTheVersion) {
  const v1::Lead created = MustCreate("Acme");
  v1::Lead read;
  grpc::Status status;
  std::thread reader([&] { status = stack_.Get(created.id(), &read, 2, 10); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  v1::Lead updated;
  ASSERT_TRUE(
      stack_.Update(crm::testing::RenameLead(created.id(), "Acme 2"), &updated)
          .ok());
  reader.join();

  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(read.version(), 2);
}

// 2. The record layout.

TEST_F(GuaranteesE2E, RecordCarriesCloudEventsHeadersAndChainHash) {
  const v1::Lead created = MustCreate("Acme");
  v1::Lead updated;
  ASSERT_TRUE(
      stack_.Update(crm::testing::RenameLead(created.id(), "Acme 2"), &updated)
          .ok());

  const std::vector<eventlog::Record> records = stack_.ReadTopic();
  ASSERT_EQ(records.size(), 2u);
  std::string previous_hash;
  for (const eventlog::Record& record : records) {
    v1::LeadEvent event;
    ASSERT_TRUE(event.ParseFromString(record.value));
    const std::string hash = eventlog::ChainHash(previous_hash, record.value);
    EXPECT_EQ(record.key, created.id());
    EXPECT_EQ(event.previous_hash(), previous_hash);
    EXPECT_EQ(eventlog::HeaderValue(record, "ce_specversion"), "1.0");
    EXPECT_EQ(eventlog::HeaderValue(record, "ce_id"), event.event_id());
    EXPECT_EQ(eventlog::HeaderValue(record, "ce_source"),
              "crm-leads/leads-service");
    EXPECT_EQ(eventlog::HeaderValue(record, "ce_time"),
              TimeUtil::ToString(event.recorded_at()));
    EXPECT_EQ(eventlog::HeaderValue(record, "content-type"),
              "application/protobuf; messageType=\"crm.leads.v1.LeadEvent\"");
    EXPECT_EQ(eventlog::HeaderValue(record, "crm_event_hash"),
              eventlog::ToHex(hash));
    EXPECT_EQ(record.timestamp_ms,
              TimeUtil::TimestampToMilliseconds(event.recorded_at()));
    previous_hash = hash;
  }
  EXPECT_EQ(eventlog::HeaderValue(records[0], "ce_type"),
            "crm.leads.v1.LeadCreated");
  EXPECT_EQ(eventlog::HeaderValue(records[1], "ce_type"),
            "crm.leads.v1.LeadUpdated");
}

// 3. Idempotent retries.

TEST_F(GuaranteesE2E, RetryReturnsFirstResultAndAppendsNothing) {
  const v1::Lead first = MustCreate("Acme", "create-acme-1");
  const v1::Lead again = MustCreate("Acme", "create-acme-1");

  EXPECT_EQ(again.id(), first.id());
  EXPECT_EQ(again.version(), 1);
  EXPECT_EQ(stack_.ReadTopic().size(), 1u);
}

TEST_F(GuaranteesE2E, RetryAfterRestartStillReturnsFirstResult) {
  const v1::Lead first = MustCreate("Acme", "create-acme-2");
  v1::UpdateLeadRequest rename = crm::testing::RenameLead(first.id(), "Acme 2");
  rename.set_request_id("rename-acme-2");
  v1::Lead renamed;
  ASSERT_TRUE(stack_.Update(rename, &renamed).ok());
  v1::Lead later;
  ASSERT_TRUE(
      stack_.Update(crm::testing::RenameLead(first.id(), "Acme 3"), &later)
          .ok());

  stack_.Stop();
  ASSERT_TRUE(stack_.Start()) << stack_.Log();

  const v1::Lead again = MustCreate("Acme", "create-acme-2");
  v1::Lead renamed_again;
  ASSERT_TRUE(stack_.Update(rename, &renamed_again).ok());
  EXPECT_EQ(again.id(), first.id());
  EXPECT_EQ(again.name(), "Acme");
  EXPECT_EQ(renamed_again.version(), 2);
  EXPECT_EQ(renamed_again.name(), "Acme 2");
  EXPECT_EQ(stack_.ReadTopic().size(), 3u);
}

TEST_F(GuaranteesE2E, RequestIdReusedForAnotherRequestIsRefused) {
  MustCreate("Acme", "create-acme-3");
  v1::Lead lead;
  grpc::Status status = stack_.Create(NewLead("Other", "create-acme-3"), &lead);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("request_id"));
  EXPECT_EQ(stack_.ReadTopic().size(), 1u);
}

// 4. Optimistic concurrency.

TEST_F(GuaranteesE2E, WrongExpectedVersionIsAbortedWithCurrentVersion) {
  const v1::Lead created = MustCreate("Acme");
  v1::Lead updated;
  ASSERT_TRUE(
      stack_.Update(crm::testing::RenameLead(created.id(), "Acme 2"), &updated)
          .ok());

  v1::UpdateLeadRequest stale =
      crm::testing::RenameLead(created.id(), "Acme stale");
  stale.set_expected_version(1);
  grpc::Status status = stack_.Update(stale, &updated);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_THAT(status.error_message(), HasSubstr("version 2"));
  v1::VersionConflict conflict;
  ASSERT_TRUE(ErrorDetail(status, &conflict));
  EXPECT_EQ(conflict.current_version(), 2);
  EXPECT_EQ(conflict.expected_version(), 1);
  EXPECT_EQ(stack_.ReadTopic().size(), 2u);
}

// 6. Arbitration of events written straight to the topic.

TEST_F(GuaranteesE2E, ForeignEventsOutOfChainAreRejectedAndCounted) {
  const v1::Lead created = MustCreate("Acme");
  const eventlog::Record genuine = stack_.ReadTopic().at(0);

  // Version 3 after 1: a gap.
  v1::LeadEvent gap;
  gap.set_event_id("gap");
  gap.set_lead_id(created.id());
  gap.set_version(3);
  gap.set_previous_hash(eventlog::ChainHash("", genuine.value));
  gap.mutable_lead_updated()->mutable_update_mask()->add_paths("name");
  std::string gap_value = gap.SerializeAsString();
  stack_.WriteRecord(eventlog::MakeRecord(
      gap, gap_value, eventlog::ChainHash(gap.previous_hash(), gap_value),
      "test"));

  // Version 2 with a previous hash no event had.
  v1::LeadEvent forged = gap;
  forged.set_event_id("forged");
  forged.set_version(2);
  forged.set_previous_hash(eventlog::Sha256("forged"));
  std::string forged_value = forged.SerializeAsString();
  stack_.WriteRecord(eventlog::MakeRecord(
      forged, forged_value,
      eventlog::ChainHash(forged.previous_hash(), forged_value), "test"));

  // A genuine update still applies: the rejected events changed nothing.
  v1::Lead updated;
  ASSERT_TRUE(
      stack_.Update(crm::testing::RenameLead(created.id(), "Acme 2"), &updated)
          .ok());
  EXPECT_EQ(updated.version(), 2);

  auto model = StoppedReadModel();
  ASSERT_NE(model, nullptr);
  EXPECT_EQ(*model->Counter(store::kRejectedCounter), 2);
  auto rejected = model->Rejected();
  ASSERT_EQ(rejected->size(), 2u);
  std::set<std::string> reasons = {(*rejected)[0].reason(),
                                   (*rejected)[1].reason()};
  EXPECT_TRUE(reasons.contains("version 3 does not follow 1"));
  EXPECT_TRUE(reasons.contains(
      "previous_hash is not the hash of the lead's last event"));
  EXPECT_EQ((*model->GetLead(created.id()))->lead().name(), "Acme 2");
}

// 9. Bad input.

TEST_F(GuaranteesE2E, BadInputNamesTheFieldAndAppendsNothing) {
  const v1::Lead created = MustCreate("Acme");
  auto refused_field = [](const grpc::Status& status) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    v1::BadRequest detail;
    EXPECT_TRUE(ErrorDetail(status, &detail));
    return detail.field_violations_size() > 0
               ? detail.field_violations(0).field()
               : std::string();
  };
  v1::Lead lead;

  EXPECT_EQ(refused_field(stack_.Create(NewLead(""), &lead)), "lead.name");
  EXPECT_EQ(refused_field(stack_.Create(NewLead(std::string(201, 'x')), &lead)),
            "lead.name");

  v1::UpdateLeadRequest unknown =
      crm::testing::RenameLead(created.id(), "Acme 2");
  unknown.mutable_update_mask()->add_paths("nombre");
  EXPECT_EQ(refused_field(stack_.Update(unknown, &lead)),
            "update_mask.paths[nombre]");

  v1::UpdateLeadRequest output_only =
      crm::testing::RenameLead(created.id(), "Acme 2");
  output_only.mutable_update_mask()->add_paths("version");
  EXPECT_EQ(refused_field(stack_.Update(output_only, &lead)),
            "update_mask.paths[version]");

  EXPECT_EQ(refused_field(stack_.Update(
                crm::testing::RenameLead("not-a-uuid", "x"), &lead)),
            "lead.id");
  EXPECT_EQ(refused_field(stack_.Get("not-a-uuid", &lead)), "id");

  v1::ListLeadsRequest list;
  list.set_page_size(1001);
  v1::ListLeadsResponse page;
  EXPECT_EQ(refused_field(stack_.List(list, &page)), "page_size");

  EXPECT_EQ(stack_.ReadTopic().size(), 1u);
}

// 5. Crash safety under concurrent load.

TEST_F(GuaranteesE2E, SigkillUnderLoadLosesNothingAndResumesFromOffsets) {
  std::mutex mutex;
  std::map<std::string, int64_t> acknowledged;
  std::atomic<bool> stop{false};
  auto writer = [&](int worker) {
    for (int i = 0; !stop; ++i) {
      v1::Lead lead;
      const std::string name =
          "w" + std::to_string(worker) + "-" + std::to_string(i);
      if (!stack_.Create(NewLead(name), &lead).ok()) continue;
      {
        std::lock_guard<std::mutex> lock(mutex);
        acknowledged[lead.id()] = lead.version();
      }
      if (!stack_.Update(crm::testing::RenameLead(lead.id(), name + "'"), &lead)
               .ok())
        continue;
      std::lock_guard<std::mutex> lock(mutex);
      acknowledged[lead.id()] = lead.version();
    }
  };
  std::vector<std::thread> writers;
  for (int worker = 0; worker < 8; ++worker)
    writers.emplace_back(writer, worker);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  stack_.Kill();
  stop = true;
  for (std::thread& thread : writers) thread.join();
  ASSERT_GT(acknowledged.size(), 10u);

  ASSERT_TRUE(stack_.Start()) << stack_.Log();

  // Every acknowledged command is there.
  for (const auto& [id, version] : acknowledged) {
    v1::Lead lead;
    ASSERT_TRUE(stack_.Get(id, &lead).ok()) << id;
    EXPECT_GE(lead.version(), version) << id;
  }

  // Nothing applied twice: each lead's version is its number of records.
  const std::vector<eventlog::Record> records = stack_.ReadTopic();
  std::map<std::string, int64_t> per_lead;
  for (const eventlog::Record& record : records) ++per_lead[record.key];
  for (const auto& [id, count] : per_lead) {
    v1::Lead lead;
    ASSERT_TRUE(stack_.Get(id, &lead).ok()) << id;
    EXPECT_EQ(lead.version(), count) << id;
  }
  v1::ListLeadsResponse page;
  ASSERT_TRUE(stack_.List(v1::ListLeadsRequest(), &page).ok());
  EXPECT_EQ(page.total_size(), static_cast<int64_t>(per_lead.size()));

  // The restart read only what its last batch had not covered.
  std::smatch match;
  const std::string log = stack_.Log();
  std::regex read_after_restart(
      "resuming after ([0-9]+) records already applied");
  std::vector<int64_t> resumed;
  for (auto it =
           std::sregex_iterator(log.begin(), log.end(), read_after_restart);
       it != std::sregex_iterator(); ++it) {
    resumed.push_back(std::stoll((*it)[1]));
  }
  ASSERT_EQ(resumed.size(), 2u);
  EXPECT_EQ(resumed[0], 0);
  EXPECT_GT(resumed[1], 0);
  EXPECT_LE(resumed[1], static_cast<int64_t>(records.size()));
}

// Rebuild: the read model is a function of the log.

TEST_F(GuaranteesE2E, RebuildFromOffsetZeroEqualsTheLiveReadModel) {
  const v1::Lead lead = MustCreate("Acme", "rebuild-1");
  v1::Lead renamed;
  ASSERT_TRUE(
      stack_.Update(crm::testing::RenameLead(lead.id(), "Acme 2"), &renamed)
          .ok());
  MustCreate("Beta");
  stack_.Stop();

  stack_.process().set_extra_args({"--rebuild"});
  ASSERT_TRUE(stack_.Start()) << stack_.Log();

  std::smatch match;
  const std::string log = stack_.Log();
  ASSERT_TRUE(std::regex_search(
      log, match,
      std::regex("rebuilt the read model: ([0-9]+) events.*digest live "
                 "([0-9a-f]+) rebuilt ([0-9a-f]+): equal")))
      << log;
  EXPECT_EQ(match[1], "3");
  EXPECT_EQ(match[2], match[3]);
  v1::Lead read;
  ASSERT_TRUE(stack_.Get(lead.id(), &read).ok());
  EXPECT_EQ(read.name(), "Acme 2");
  EXPECT_EQ(read.version(), 2);
}

// 7. The topic check at start.

TEST(TopicCheckE2E, MissingTopicIsCreatedToKeepEverything) {
  LeadStack stack(12);
  ASSERT_TRUE(stack.Start()) << stack.Log();

  eventlog::KafkaOptions options;
  options.brokers = stack.brokers();
  options.topic = stack.topic();
  auto description = eventlog::DescribeTopic(options, absl::Seconds(10));
  ASSERT_TRUE(description.ok()) << description.status();
  EXPECT_EQ(description->partitions, 12);
  EXPECT_EQ(description->config.at("retention.ms"), "-1");
  EXPECT_EQ(description->config.at("retention.bytes"), "-1");
  EXPECT_EQ(description->config.at("cleanup.policy"), "delete");
}

TEST(TopicCheckE2E, CompactedOrExpiringTopicIsRefusedAtStart) {
  LeadStack stack;
  eventlog::KafkaOptions options;
  options.brokers = stack.brokers();
  options.topic = stack.topic();
  options.partitions = 3;
  ASSERT_TRUE(eventlog::CreateTopic(options,
                                    {{"cleanup.policy", "compact"},
                                     {"retention.ms", "604800000"}},
                                    absl::Seconds(10))
                  .ok());

  EXPECT_NE(stack.process().RunToExit(60), 0);
  EXPECT_THAT(stack.Log(), HasSubstr("set cleanup.policy=delete"));
  EXPECT_THAT(stack.Log(), HasSubstr("set retention.ms=-1"));
}

}  // namespace
}  // namespace crm::leads
