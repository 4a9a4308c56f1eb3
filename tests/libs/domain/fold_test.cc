#include "libs/domain/fold.h"

#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include "libs/domain/lead_fields.h"
#include "tests/support/status_matchers.h"

namespace crm::leads {
namespace {

using crm::testing::IsOk;
using google::protobuf::util::TimeUtil;

constexpr char kLeadId[] = "0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b";

v1::LeadEvent Created() {
  v1::Lead lead;
  lead.set_name("Banco de Albacete");
  lead.mutable_address()->set_locality("Boadilla del Monte");
  v1::LeadEvent event;
  event.set_event_id("e1");
  event.set_lead_id(kLeadId);
  event.set_version(1);
  *event.mutable_recorded_at() = TimeUtil::SecondsToTimestamp(1000);
  *event.mutable_effective_at() = TimeUtil::SecondsToTimestamp(900);
  *event.mutable_lead_created()->mutable_values() = SplitValues(lead);
  return event;
}

v1::LeadEvent Renamed(int64_t version, const std::string& previous_hash) {
  v1::Lead lead;
  lead.set_name("Banco de Albacete, S.A.");
  v1::LeadEvent event;
  event.set_event_id("e2");
  event.set_lead_id(kLeadId);
  event.set_version(version);
  event.set_previous_hash(previous_hash);
  *event.mutable_recorded_at() = TimeUtil::SecondsToTimestamp(2000);
  v1::LeadUpdated* updated = event.mutable_lead_updated();
  *updated->mutable_values() = SplitValues(lead);
  updated->mutable_update_mask()->add_paths("name");
  updated->mutable_update_mask()->add_paths("address.locality");
  return event;
}

TEST(LeadFold, CreationSetsIdentityAndTimes) {
  v1::Lead lead;
  ASSERT_THAT(ApplyEvent(Created(), &lead), IsOk());

  EXPECT_EQ(lead.id(), kLeadId);
  EXPECT_EQ(lead.version(), 1);
  EXPECT_EQ(lead.name(), "Banco de Albacete");
  EXPECT_EQ(lead.created_at().seconds(), 900);
  EXPECT_EQ(lead.modified_at().seconds(), 1000);
}

TEST(LeadFold, UpdateChangesOnlyMaskedFieldsAndClearsUnset) {
  v1::Lead lead;
  ASSERT_THAT(ApplyEvent(Created(), &lead), IsOk());
  ASSERT_THAT(ApplyEvent(Renamed(2, "h1"), &lead), IsOk());

  EXPECT_EQ(lead.version(), 2);
  EXPECT_EQ(lead.name(), "Banco de Albacete, S.A.");
  EXPECT_EQ(lead.address().locality(), "");
  EXPECT_EQ(lead.created_at().seconds(), 900);
  EXPECT_EQ(lead.modified_at().seconds(), 2000);
}

TEST(LeadFold, EventWithoutPayloadIsRefused) {
  v1::LeadEvent event = Created();
  event.clear_lead_created();
  v1::Lead lead;
  EXPECT_FALSE(ApplyEvent(event, &lead).ok());
}

TEST(LeadArbitration, FirstCreationFollowsEmptyHead) {
  EXPECT_EQ(RefusalReason(Created(), kLeadId, ChainHead{}), "");
}

TEST(LeadArbitration, NextVersionWithHeadHashFollows) {
  EXPECT_EQ(RefusalReason(Renamed(2, "h1"), kLeadId, ChainHead{1, "h1"}), "");
}

TEST(LeadArbitration, VersionGapIsRefused) {
  EXPECT_EQ(RefusalReason(Renamed(3, "h1"), kLeadId, ChainHead{1, "h1"}),
            "version 3 does not follow 1");
}

TEST(LeadArbitration, RepeatedVersionIsRefused) {
  EXPECT_EQ(RefusalReason(Renamed(2, "h1"), kLeadId, ChainHead{2, "h2"}),
            "version 2 does not follow 2");
}

TEST(LeadArbitration, WrongPreviousHashIsRefused) {
  EXPECT_EQ(RefusalReason(Renamed(2, "forged"), kLeadId, ChainHead{1, "h1"}),
            "previous_hash is not the hash of the lead's last event");
}

TEST(LeadArbitration, SecondCreationIsRefused) {
  v1::LeadEvent event = Created();
  event.set_version(2);
  event.set_previous_hash("h1");
  EXPECT_EQ(RefusalReason(event, kLeadId, ChainHead{1, "h1"}),
            "creation of a lead that exists");
}

TEST(LeadArbitration, KeyMustNameTheLead) {
  EXPECT_EQ(RefusalReason(Created(), "another", ChainHead{}),
            "record key does not match the event's lead_id");
}

}  // namespace
}  // namespace crm::leads
