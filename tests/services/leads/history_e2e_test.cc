// History, as-of reads, back-dating and chain verification on a real
// leads-service process and the real test broker.

#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include "crm/leads/v1/errors.pb.h"
#include "libs/domain/lead_fields.h"
#include "libs/store/read_model.h"
#include "tests/services/leads/lead_stack.h"

namespace crm::leads {
namespace {

using crm::testing::ErrorDetail;
using crm::testing::LeadStack;
using crm::testing::NewLead;
using google::protobuf::util::TimeUtil;
using ::testing::Contains;

constexpr char kRawLead[] = "0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b";

class HistoryE2E : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(stack_.Start()) << stack_.Log(); }

  v1::Lead MustCreate(const std::string& name) {
    v1::Lead lead;
    grpc::Status status = stack_.Create(NewLead(name), &lead, "ana");
    EXPECT_TRUE(status.ok()) << status.error_message();
    return lead;
  }

  v1::Lead MustRename(const std::string& id, const std::string& name) {
    v1::Lead lead;
    grpc::Status status =
        stack_.Update(crm::testing::RenameLead(id, name), &lead);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return lead;
  }

  grpc::Status History(const std::string& id,
                       v1::GetLeadHistoryResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    v1::GetLeadHistoryRequest request;
    request.set_id(id);
    return stack_.stub().GetLeadHistory(&context, request, response);
  }

  grpc::Status AsOf(const v1::GetLeadAsOfRequest& request, v1::Lead* lead) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    return stack_.stub().GetLeadAsOf(&context, request, lead);
  }

  v1::VerifyLeadResponse MustVerify(const std::string& id) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(30));
    v1::VerifyLeadRequest request;
    request.set_id(id);
    v1::VerifyLeadResponse response;
    grpc::Status status =
        stack_.stub().VerifyLead(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }

  // Writes `event` straight to the topic, hashed over its own
  // previous_hash, and returns its bytes.
  std::string WriteRaw(const v1::LeadEvent& event) {
    std::string value = event.SerializeAsString();
    stack_.WriteRecord(eventlog::MakeRecord(
        event, value, eventlog::ChainHash(event.previous_hash(), value),
        "test"));
    return value;
  }

  // Edits the stored event index of a stopped service, then restarts it.
  void PointEventAt(const std::string& id, int64_t version, int64_t offset) {
    stack_.Stop();
    {
      auto model = store::ReadModel::Open(stack_.data_dir() + "/readmodel");
      ASSERT_TRUE(model.ok()) << model.status();
      auto events = (*model)->GetEvents(id, version, version);
      ASSERT_TRUE(events.ok() && events->size() == 1u);
      store::StoredEventRecord record = events->front();
      record.set_offset(offset);
      store::ReadModelBatch batch = (*model)->NewBatch();
      batch.PutEvent(id, version, record);
      ASSERT_TRUE((*model)->Commit(batch).ok());
    }
    ASSERT_TRUE(stack_.Start()) << stack_.Log();
  }

  // The offset the read model holds for one event.
  int64_t OffsetOf(const std::string& id, int64_t version) {
    for (const eventlog::Record& record : stack_.ReadTopic()) {
      v1::LeadEvent event;
      if (record.key == id && event.ParseFromString(record.value) &&
          event.version() == version) {
        return record.offset;
      }
    }
    ADD_FAILURE() << "no record of version " << version;
    return -1;
  }

  LeadStack stack_;
};

TEST_F(HistoryE2E, HistoryShowsEachChangeWithItsActorAndTimes) {
  const v1::Lead created = MustCreate("Acme");
  MustRename(created.id(), "Acme Iberia");

  v1::GetLeadHistoryResponse history;
  grpc::Status status = History(created.id(), &history);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(history.entries_size(), 2);
  EXPECT_EQ(history.entries(0).event_type(), "crm.leads.v1.LeadCreated");
  EXPECT_EQ(history.entries(0).actor(), "ana");
  EXPECT_EQ(history.entries(1).version(), 2);
  EXPECT_EQ(history.entries(1).event_type(), "crm.leads.v1.LeadUpdated");
  EXPECT_THAT(history.entries(1).summary(),
              Contains("name: 'Acme' -> 'Acme Iberia'"));
  EXPECT_EQ(history.next_page_token(), "");
}

TEST_F(HistoryE2E, BackDatedUpdateKeepsItsEffectiveTime) {
  const v1::Lead created = MustCreate("Acme");
  v1::UpdateLeadRequest request =
      crm::testing::RenameLead(created.id(), "Acme Iberia");
  *request.mutable_effective_at() = TimeUtil::SecondsToTimestamp(1700000000);
  v1::Lead updated;
  ASSERT_TRUE(stack_.Update(request, &updated).ok());

  v1::GetLeadHistoryResponse history;
  ASSERT_TRUE(History(created.id(), &history).ok());
  ASSERT_EQ(history.entries_size(), 2);
  EXPECT_EQ(history.entries(1).effective_at().seconds(), 1700000000);
  EXPECT_GT(history.entries(1).recorded_at().seconds(), 1700000000);

  // By effective time the rename applies from 1700000000 on, while the
  // creation is effective only now: before the creation, no lead.
  v1::GetLeadAsOfRequest as_of;
  as_of.set_id(created.id());
  *as_of.mutable_effective_at() = TimeUtil::SecondsToTimestamp(1700000001);
  v1::Lead lead;
  EXPECT_EQ(AsOf(as_of, &lead).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(HistoryE2E, BackDatedCreationExistsFromItsEffectiveTime) {
  v1::CreateLeadRequest request = NewLead("Imported");
  *request.mutable_effective_at() = TimeUtil::SecondsToTimestamp(1600000000);
  v1::Lead created;
  ASSERT_TRUE(stack_.Create(request, &created).ok());
  EXPECT_EQ(created.created_at().seconds(), 1600000000);

  v1::GetLeadAsOfRequest as_of;
  as_of.set_id(created.id());
  *as_of.mutable_effective_at() = TimeUtil::SecondsToTimestamp(1600000000);
  v1::Lead lead;
  ASSERT_TRUE(AsOf(as_of, &lead).ok());
  EXPECT_EQ(lead.name(), "Imported");
  *as_of.mutable_effective_at() = TimeUtil::SecondsToTimestamp(1599999999);
  EXPECT_EQ(AsOf(as_of, &lead).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(HistoryE2E, EffectiveTimeInTheFutureIsRefused) {
  const v1::Lead created = MustCreate("Acme");
  v1::UpdateLeadRequest request =
      crm::testing::RenameLead(created.id(), "Later");
  *request.mutable_effective_at() =
      TimeUtil::GetCurrentTime() + TimeUtil::SecondsToDuration(3600);
  v1::Lead updated;
  grpc::Status status = stack_.Update(request, &updated);
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  v1::BadRequest bad;
  ASSERT_TRUE(ErrorDetail(status, &bad));
  ASSERT_EQ(bad.field_violations_size(), 1);
  EXPECT_EQ(bad.field_violations(0).field(), "effective_at");
}

TEST_F(HistoryE2E, AsOfVersionAndRecordedTime) {
  const v1::Lead created = MustCreate("Acme");
  const v1::Lead renamed = MustRename(created.id(), "Acme Iberia");

  v1::GetLeadAsOfRequest request;
  request.set_id(created.id());
  request.set_version(1);
  v1::Lead lead;
  ASSERT_TRUE(AsOf(request, &lead).ok());
  EXPECT_EQ(lead.name(), "Acme");
  EXPECT_EQ(lead.version(), 1);

  *request.mutable_recorded_at() = renamed.modified_at();
  ASSERT_TRUE(AsOf(request, &lead).ok());
  EXPECT_EQ(lead.name(), "Acme Iberia");

  *request.mutable_recorded_at() = TimeUtil::SecondsToTimestamp(1000);
  EXPECT_EQ(AsOf(request, &lead).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(HistoryE2E, CleanLeadVerifies) {
  const v1::Lead created = MustCreate("Acme");
  MustRename(created.id(), "Acme Iberia");

  const v1::VerifyLeadResponse verified = MustVerify(created.id());
  EXPECT_TRUE(verified.ok());
  EXPECT_EQ(verified.verified_events(), 2);
  EXPECT_EQ(verified.problems_size(), 0);
  EXPECT_EQ(verified.rejected_size(), 0);
}

// A forged version 2 with the lead's key, written to the topic, is refused
// by arbitration and so listed as rejected, not as tampering. Then the read
// model's index is pointed at the forged record: the topic now holds other
// bytes for version 2 at the stored offset, which is exactly what an altered
// record looks like (Kafka cannot rewrite a record in place, so this is how
// the test makes the stored offset and the topic's bytes disagree).
TEST_F(HistoryE2E, ForgedBytesAtTheStoredOffsetAreAltered) {
  const v1::Lead created = MustCreate("Acme");
  MustRename(created.id(), "Acme Iberia");
  const eventlog::Record genuine = stack_.ReadTopic().at(1);
  v1::LeadEvent forged;
  ASSERT_TRUE(forged.ParseFromString(genuine.value));
  forged.set_actor("mallory");
  WriteRaw(forged);
  v1::Lead renamed;
  ASSERT_TRUE(
      stack_.Update(crm::testing::RenameLead(created.id(), "Acme 3"), &renamed)
          .ok());
  const int64_t forged_offset = stack_.ReadTopic().at(2).offset;

  PointEventAt(created.id(), 2, forged_offset);
  const v1::VerifyLeadResponse verified = MustVerify(created.id());

  EXPECT_FALSE(verified.ok());
  EXPECT_EQ(verified.verified_events(), 2);
  ASSERT_EQ(verified.problems_size(), 1);
  EXPECT_EQ(verified.problems(0).version(), 2);
  EXPECT_EQ(verified.problems(0).kind(), v1::ChainProblem::ALTERED);
  ASSERT_EQ(verified.rejected_size(), 1);
  EXPECT_EQ(verified.rejected(0).offset(), forged_offset);
}

// The index points version 2 past the end of the partition, as it would if
// the record had been deleted from the topic.
TEST_F(HistoryE2E, RecordGoneFromTheTopicIsMissing) {
  const v1::Lead created = MustCreate("Acme");
  MustRename(created.id(), "Acme Iberia");

  PointEventAt(created.id(), 2, 1000000);
  const v1::VerifyLeadResponse verified = MustVerify(created.id());

  EXPECT_FALSE(verified.ok());
  EXPECT_EQ(verified.verified_events(), 1);
  ASSERT_EQ(verified.problems_size(), 1);
  EXPECT_EQ(verified.problems(0).version(), 2);
  EXPECT_EQ(verified.problems(0).kind(), v1::ChainProblem::MISSING);
}

// Version 2's exact bytes are written first (refused: the lead does not
// exist yet), then version 1 and version 2 again (both accepted). Pointing
// version 2 at the first copy leaves bytes and hashes intact, so only the
// order is wrong: version 2 would sit before version 1.
TEST_F(HistoryE2E, EventBeforeItsPredecessorIsReordered) {
  v1::LeadEvent first;
  first.set_event_id("0190a5b2-7c3d-7e4f-9000-000000000001");
  first.set_lead_id(kRawLead);
  first.set_version(1);
  *first.mutable_recorded_at() = TimeUtil::GetCurrentTime();
  *first.mutable_effective_at() = first.recorded_at();
  v1::Lead values;
  values.set_name("Raw");
  *first.mutable_lead_created()->mutable_values() = SplitValues(values);
  v1::LeadEvent second = first;
  second.set_event_id("0190a5b2-7c3d-7e4f-9000-000000000002");
  second.set_version(2);
  second.set_previous_hash(eventlog::ChainHash("", first.SerializeAsString()));
  values.set_name("Raw 2");
  *second.mutable_lead_updated()->mutable_values() = SplitValues(values);
  second.mutable_lead_updated()->mutable_update_mask()->add_paths("name");

  WriteRaw(second);
  WriteRaw(first);
  WriteRaw(second);
  v1::Lead lead;
  ASSERT_TRUE(stack_.Get(kRawLead, &lead, 2).ok());
  const int64_t early = OffsetOf(kRawLead, 2);

  PointEventAt(kRawLead, 2, early);
  const v1::VerifyLeadResponse verified = MustVerify(kRawLead);

  EXPECT_FALSE(verified.ok());
  EXPECT_EQ(verified.verified_events(), 1);
  ASSERT_EQ(verified.problems_size(), 1);
  EXPECT_EQ(verified.problems(0).version(), 2);
  EXPECT_EQ(verified.problems(0).kind(), v1::ChainProblem::REORDERED);
  EXPECT_EQ(verified.rejected_size(), 1);
}

}  // namespace
}  // namespace crm::leads
