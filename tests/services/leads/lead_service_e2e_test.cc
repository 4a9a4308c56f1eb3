// The lead service end to end: a real leads-service process on the test
// broker, driven over gRPC, with the topic read back by a client of its own.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crm/leads/v1/errors.pb.h"
#include "tests/services/leads/lead_stack.h"

namespace crm::leads {
namespace {

using crm::testing::ErrorDetail;
using crm::testing::LeadStack;
using crm::testing::NewLead;
using ::testing::Contains;
using ::testing::Pair;

class LeadServiceE2E : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(stack_.Start()) << stack_.Log(); }

  v1::Lead MustCreate(const std::string& name) {
    v1::Lead lead;
    grpc::Status status = stack_.Create(NewLead(name), &lead);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return lead;
  }

  LeadStack stack_;
};

TEST_F(LeadServiceE2E, CreatedLeadReadsBack) {
  v1::CreateLeadRequest request = NewLead("  Banco de Albacete, S.A. ");
  request.mutable_lead()->mutable_address()->set_locality("Boadilla del Monte");
  v1::Lead created;
  ASSERT_TRUE(stack_.Create(request, &created).ok());

  v1::Lead read;
  ASSERT_TRUE(stack_.Get(created.id(), &read).ok());
  EXPECT_EQ(read.name(), "Banco de Albacete, S.A.");
  EXPECT_EQ(read.address().country(), "ES");
  EXPECT_EQ(read.version(), 1);
  EXPECT_EQ(read.id(), created.id());
  EXPECT_TRUE(read.has_created_at());
}

TEST_F(LeadServiceE2E, UpdateChangesMaskedFieldsOnly) {
  v1::CreateLeadRequest create = NewLead("Renta 4");
  create.mutable_lead()->set_cnae("6419");
  v1::Lead lead;
  ASSERT_TRUE(stack_.Create(create, &lead).ok());

  v1::UpdateLeadRequest update;
  update.mutable_lead()->set_id(lead.id());
  update.mutable_lead()->set_name("Renta 4 Banco");
  update.mutable_lead()->set_cnae("ignored, not in mask");
  update.mutable_update_mask()->add_paths("name");
  v1::Lead updated;
  ASSERT_TRUE(stack_.Update(update, &updated).ok());

  EXPECT_EQ(updated.version(), 2);
  EXPECT_EQ(updated.name(), "Renta 4 Banco");
  EXPECT_EQ(updated.cnae(), "6419");
}

TEST_F(LeadServiceE2E, ListPagesThroughEveryLead) {
  for (int i = 0; i < 5; ++i) MustCreate("Lead " + std::to_string(i));

  v1::ListLeadsRequest request;
  request.set_page_size(2);
  std::vector<std::string> names;
  do {
    v1::ListLeadsResponse page;
    ASSERT_TRUE(stack_.List(request, &page).ok());
    EXPECT_EQ(page.total_size(), 5);
    for (const v1::Lead& lead : page.leads()) names.push_back(lead.name());
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());

  EXPECT_EQ(names, (std::vector<std::string>{"Lead 0", "Lead 1", "Lead 2",
                                             "Lead 3", "Lead 4"}));
}

TEST_F(LeadServiceE2E, EventsAreInTheTopicKeyedByLeadId) {
  v1::Lead lead;
  ASSERT_TRUE(stack_.Create(NewLead("Acme"), &lead, "ana@example.test").ok());
  v1::UpdateLeadRequest update;
  update.mutable_lead()->set_id(lead.id());
  update.mutable_lead()->set_company("Acme Group");
  update.mutable_update_mask()->add_paths("company");
  ASSERT_TRUE(stack_.Update(update, &lead).ok());

  const std::vector<eventlog::Record> records = stack_.ReadTopic();
  ASSERT_EQ(records.size(), 2u);
  v1::LeadEvent created;
  v1::LeadEvent updated;
  ASSERT_TRUE(created.ParseFromString(records[0].value));
  ASSERT_TRUE(updated.ParseFromString(records[1].value));
  EXPECT_EQ(records[0].key, lead.id());
  EXPECT_EQ(records[1].key, lead.id());
  EXPECT_EQ(records[0].partition, records[1].partition);
  EXPECT_EQ(created.actor(), "ana@example.test");
  EXPECT_EQ(updated.actor(), "anonymous");
  EXPECT_EQ(created.lead_created().values().personal().name(), "Acme");
  EXPECT_EQ(updated.lead_updated().update_mask().paths(0), "company");
  EXPECT_THAT(records[1].headers,
              Contains(Pair("ce_type", "crm.leads.v1.LeadUpdated")));
}

TEST_F(LeadServiceE2E, BadRequestNamesEveryFieldAndAppendsNothing) {
  v1::CreateLeadRequest request = NewLead("");
  request.mutable_lead()->set_employees(-3);
  request.mutable_lead()->set_version(7);
  v1::Lead lead;
  grpc::Status status = stack_.Create(request, &lead);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("lead.name"));
  v1::BadRequest detail;
  ASSERT_TRUE(ErrorDetail(status, &detail));
  ASSERT_EQ(detail.field_violations_size(), 3);
  EXPECT_EQ(detail.field_violations(0).field(), "lead.version");
  EXPECT_EQ(detail.field_violations(1).field(), "lead.name");
  EXPECT_EQ(detail.field_violations(2).field(), "lead.employees");
  EXPECT_TRUE(stack_.ReadTopic().empty());
}

TEST_F(LeadServiceE2E, UnknownLeadIsNotFound) {
  v1::Lead lead;
  EXPECT_EQ(
      stack_.Get("0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b", &lead).error_code(),
      grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace crm::leads
