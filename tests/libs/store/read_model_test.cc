#include "libs/store/read_model.h"

#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace crm::store {
namespace {

using crm::testing::IsOk;

StoredLeadRecord LeadRecord(const std::string& id, int64_t version) {
  StoredLeadRecord record;
  record.mutable_lead()->set_id(id);
  record.mutable_lead()->set_version(version);
  record.set_last_hash("hash-" + id);
  return record;
}

StoredEventRecord EventRecord(const std::string& value) {
  StoredEventRecord record;
  record.set_value(value);
  return record;
}

class ReadModelTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    model_.reset();
    auto model = ReadModel::Open(dir_.path());
    ASSERT_THAT(model, IsOk());
    model_ = *std::move(model);
  }

  crm::testing::TempDir dir_;
  std::unique_ptr<ReadModel> model_;
};

TEST_F(ReadModelTest, CommittedBatchSurvivesReopen) {
  ReadModelBatch batch = model_->NewBatch();
  batch.PutLead(LeadRecord("a", 2));
  batch.PutOffset(3, 41);
  batch.AddCounter(kLeadsCounter, 3);
  batch.AddCounter(kLeadsCounter, -2);
  ASSERT_THAT(model_->Commit(batch), IsOk());

  Reopen();

  auto lead = model_->GetLead("a");
  ASSERT_THAT(lead, IsOk());
  ASSERT_TRUE(lead->has_value());
  EXPECT_EQ((*lead)->lead().version(), 2);
  EXPECT_EQ((*lead)->last_hash(), "hash-a");
  EXPECT_EQ(model_->Offsets()->at(3), 41);
  EXPECT_EQ(*model_->Counter(kLeadsCounter), 1);
}

TEST_F(ReadModelTest, UncommittedBatchLeavesNothing) {
  {
    ReadModelBatch batch = model_->NewBatch();
    batch.PutLead(LeadRecord("a", 1));
    batch.PutOffset(0, 1);
  }
  EXPECT_FALSE(model_->GetLead("a")->has_value());
  EXPECT_TRUE(model_->Offsets()->empty());
}

TEST_F(ReadModelTest, EventsComeBackInVersionOrderWithinRange) {
  ReadModelBatch batch = model_->NewBatch();
  for (int64_t version : {3, 1, 256, 2}) {
    batch.PutEvent("a", version, EventRecord("v" + std::to_string(version)));
  }
  batch.PutEvent("b", 1, EventRecord("other lead"));
  ASSERT_THAT(model_->Commit(batch), IsOk());

  auto events = model_->GetEvents("a", 2, 256);
  ASSERT_THAT(events, IsOk());
  ASSERT_EQ(events->size(), 3u);
  EXPECT_EQ((*events)[0].value(), "v2");
  EXPECT_EQ((*events)[1].value(), "v3");
  EXPECT_EQ((*events)[2].value(), "v256");
}

TEST_F(ReadModelTest, ListPagesThroughLeadsInIdOrder) {
  ReadModelBatch batch = model_->NewBatch();
  for (const char* id : {"c", "a", "b"}) batch.PutLead(LeadRecord(id, 1));
  ASSERT_THAT(model_->Commit(batch), IsOk());

  auto first = model_->ListLeads("", 2);
  ASSERT_THAT(first, IsOk());
  ASSERT_EQ(first->leads.size(), 2u);
  EXPECT_EQ(first->leads[0].id(), "a");
  EXPECT_EQ(first->last_id, "b");

  auto second = model_->ListLeads(first->last_id, 2);
  ASSERT_EQ(second->leads.size(), 1u);
  EXPECT_EQ(second->leads[0].id(), "c");
  EXPECT_EQ(second->last_id, "");
}

TEST_F(ReadModelTest, RequestIndexAnswersByRequestId) {
  RequestRecordValue request;
  request.set_lead_id("a");
  request.set_version(4);
  ReadModelBatch batch = model_->NewBatch();
  batch.PutRequest("req-1", request);
  ASSERT_THAT(model_->Commit(batch), IsOk());

  auto found = model_->GetRequest("req-1");
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->version(), 4);
  EXPECT_FALSE(model_->GetRequest("req-2")->has_value());
}

}  // namespace
}  // namespace crm::store

namespace crm::store {
namespace {

TEST(ReadModelDigest, EqualStateGivesEqualDigestAndAnyChangeDiffers) {
  crm::testing::TempDir first_dir;
  crm::testing::TempDir second_dir;
  auto first = *ReadModel::Open(first_dir.path());
  auto second = *ReadModel::Open(second_dir.path());
  for (ReadModel* model : {first.get(), second.get()}) {
    ReadModelBatch batch = model->NewBatch();
    batch.PutLead(LeadRecord("a", 1));
    batch.PutOffset(0, 1);
    ASSERT_THAT(model->Commit(batch), IsOk());
  }
  EXPECT_EQ(*first->Digest(), *second->Digest());

  ReadModelBatch batch = second->NewBatch();
  batch.AddCounter(kLeadsCounter, 1);
  ASSERT_THAT(second->Commit(batch), IsOk());
  EXPECT_NE(*first->Digest(), *second->Digest());
}

}  // namespace
}  // namespace crm::store
