#include "services/leads/projector.h"

#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include "libs/domain/lead_fields.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace crm::leads {
namespace {

using crm::testing::IsOk;
using eventlog::Record;

constexpr char kLeadId[] = "0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b";

// Writes events the way the lead service does, keeping the chain.
class ChainWriter {
 public:
  Record Create(const std::string& name, const std::string& request_id = "") {
    v1::Lead lead;
    lead.set_name(name);
    v1::LeadEvent event = Envelope(1, request_id);
    *event.mutable_lead_created()->mutable_values() = SplitValues(lead);
    return Seal(event);
  }

  Record Rename(const std::string& name, const std::string& request_id = "") {
    v1::Lead lead;
    lead.set_name(name);
    v1::LeadEvent event = Envelope(version_ + 1, request_id);
    *event.mutable_lead_updated()->mutable_values() = SplitValues(lead);
    event.mutable_lead_updated()->mutable_update_mask()->add_paths("name");
    return Seal(event);
  }

  // Encodes `event` as a record at the next offset and advances the chain.
  Record Seal(v1::LeadEvent event) {
    event.set_previous_hash(hash_);
    Record record;
    record.key = event.lead_id();
    record.value = event.SerializeAsString();
    const std::string hash = eventlog::ChainHash(hash_, record.value);
    record.headers = {
        {std::string(eventlog::kHashHeader), eventlog::ToHex(hash)}};
    record.partition = 0;
    record.offset = next_offset_++;
    hash_ = hash;
    version_ = event.version();
    return record;
  }

  v1::LeadEvent Envelope(int64_t version, const std::string& request_id) {
    v1::LeadEvent event;
    event.set_event_id("event-" + std::to_string(next_offset_));
    event.set_lead_id(kLeadId);
    event.set_version(version);
    event.set_request_id(request_id);
    *event.mutable_recorded_at() =
        google::protobuf::util::TimeUtil::SecondsToTimestamp(1000);
    return event;
  }

  int64_t next_offset_ = 0;
  int64_t version_ = 0;
  std::string hash_;
};

class ProjectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto model = store::ReadModel::Open(dir_.path());
    ASSERT_THAT(model, IsOk());
    model_ = *std::move(model);
    projector_ = std::make_unique<Projector>(model_.get(), &applied_);
  }

  v1::Lead Stored() {
    auto stored = model_->GetLead(kLeadId);
    EXPECT_TRUE(stored.ok() && stored->has_value());
    return stored.ok() && stored->has_value() ? (*stored)->lead() : v1::Lead();
  }

  int64_t Rejected() { return *model_->Counter(store::kRejectedCounter); }

  crm::testing::TempDir dir_;
  std::unique_ptr<store::ReadModel> model_;
  AppliedEvents applied_;
  std::unique_ptr<Projector> projector_;
  ChainWriter writer_;
};

TEST_F(ProjectorTest, AppliesAChainAndStoresOffsetInTheSameBatch) {
  ASSERT_THAT(projector_->Apply(
                  {writer_.Create("Acme"), writer_.Rename("Acme Iberia")}),
              IsOk());

  EXPECT_EQ(Stored().name(), "Acme Iberia");
  EXPECT_EQ(Stored().version(), 2);
  EXPECT_EQ(model_->Offsets()->at(0), 2);
  EXPECT_EQ(*model_->Counter(store::kLeadsCounter), 1);
  EXPECT_EQ(model_->GetEvents(kLeadId, 1, 2)->size(), 2u);
}

TEST_F(ProjectorTest, RedeliveredRecordsAreSkippedNotRejected) {
  const Record created = writer_.Create("Acme");
  ASSERT_THAT(projector_->Apply({created}), IsOk());
  ASSERT_THAT(projector_->Apply({created}), IsOk());

  EXPECT_EQ(Stored().version(), 1);
  EXPECT_EQ(Rejected(), 0);
}

TEST_F(ProjectorTest, VersionGapIsRejectedAndNotApplied) {
  ASSERT_THAT(projector_->Apply({writer_.Create("Acme")}), IsOk());
  v1::LeadEvent skipping = writer_.Envelope(3, "");
  *skipping.mutable_lead_updated()->mutable_values() = v1::LeadValues();
  skipping.mutable_lead_updated()->mutable_update_mask()->add_paths("name");

  ASSERT_THAT(projector_->Apply({writer_.Seal(skipping)}), IsOk());

  EXPECT_EQ(Stored().version(), 1);
  EXPECT_EQ(Stored().name(), "Acme");
  EXPECT_EQ(Rejected(), 1);
  EXPECT_EQ(model_->Rejected()->at(0).reason(), "version 3 does not follow 1");
  EXPECT_EQ(model_->Offsets()->at(0), 2);
}

TEST_F(ProjectorTest, ForkWithStaleHashIsRejected) {
  ChainWriter fork = writer_;
  ASSERT_THAT(projector_->Apply({writer_.Create("Acme")}), IsOk());
  fork.next_offset_ = writer_.next_offset_;
  fork.version_ = 1;
  fork.hash_ = "a hash no event had";

  ASSERT_THAT(projector_->Apply({fork.Rename("Forged")}), IsOk());

  EXPECT_EQ(Stored().name(), "Acme");
  EXPECT_EQ(Rejected(), 1);
}

TEST_F(ProjectorTest, AlteredBytesBreakTheHashHeader) {
  Record record = writer_.Create("Acme");
  record.headers[0].second = eventlog::ToHex(eventlog::Sha256("other"));

  ASSERT_THAT(projector_->Apply({record}), IsOk());

  EXPECT_FALSE(model_->GetLead(kLeadId)->has_value());
  EXPECT_EQ(Rejected(), 1);
}

TEST_F(ProjectorTest, UndecodableValueIsRejected) {
  Record record = writer_.Create("Acme");
  record.value = "not a protobuf \xff\xff";

  ASSERT_THAT(projector_->Apply({record}), IsOk());

  EXPECT_EQ(Rejected(), 1);
  EXPECT_EQ(model_->Offsets()->at(0), 1);
}

TEST_F(ProjectorTest, SecondUseOfRequestIdIsRejected) {
  ASSERT_THAT(projector_->Apply({writer_.Create("Acme", "req-1")}), IsOk());
  ASSERT_THAT(projector_->Apply({writer_.Rename("Other", "req-1")}), IsOk());

  EXPECT_EQ(Stored().name(), "Acme");
  EXPECT_EQ(Rejected(), 1);
  EXPECT_EQ((*model_->GetRequest("req-1"))->version(), 1);
}

TEST_F(ProjectorTest, PublishesOutcomeOfExpectedEvent) {
  const Record record = writer_.Create("Acme");
  v1::LeadEvent event;
  event.ParseFromString(record.value);
  applied_.Expect(event.event_id());

  ASSERT_THAT(projector_->Apply({record}), IsOk());

  std::optional<Outcome> outcome =
      applied_.Await(event.event_id(), absl::Now());
  ASSERT_TRUE(outcome.has_value());
  EXPECT_TRUE(outcome->applied);
}

}  // namespace
}  // namespace crm::leads
