// Every rule of a lead, with good and bad values, through the gRPC API of a
// real leads-service on the test broker. One stack serves the whole suite.

#include <functional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crm/leads/v1/errors.pb.h"
#include "tests/services/leads/lead_stack.h"

namespace crm::leads {
namespace {

using crm::testing::ErrorDetail;
using crm::testing::LeadStack;
using ::testing::HasSubstr;

struct FieldCase {
  const char* name;
  std::function<void(v1::Lead*)> set;
  // Empty when the value is good; else the field the violation names.
  const char* refused_field;
};

// A lead with fields unique to `n`, so that duplicate detection stays out of
// the way of the field rules.
v1::Lead Base(int n) {
  v1::Lead lead;
  lead.set_name("Lead " + std::to_string(n));
  return lead;
}

const FieldCase kFieldCases[] = {
    {"name missing", [](v1::Lead* l) { l->clear_name(); }, "lead.name"},
    {"name of 200 characters",
     [](v1::Lead* l) { l->set_name(std::string(200, 'n')); }, ""},
    {"name of 201 characters",
     [](v1::Lead* l) { l->set_name(std::string(201, 'n')); }, "lead.name"},
    {"NIF good", [](v1::Lead* l) { l->set_tax_id("12345678Z"); }, ""},
    {"NIF bad letter", [](v1::Lead* l) { l->set_tax_id("12345678A"); },
     "lead.tax_id"},
    {"NIE good", [](v1::Lead* l) { l->set_tax_id("X1234567L"); }, ""},
    {"NIE bad letter", [](v1::Lead* l) { l->set_tax_id("X1234567A"); },
     "lead.tax_id"},
    {"CIF good", [](v1::Lead* l) { l->set_tax_id("A82473018"); }, ""},
    {"CIF bad control", [](v1::Lead* l) { l->set_tax_id("A82473019"); },
     "lead.tax_id"},
    {"foreign tax ID free form",
     [](v1::Lead* l) {
       l->mutable_address()->set_country("FR");
       l->set_tax_id("FR40303265045");
     },
     ""},
    {"postal code agrees with province",
     [](v1::Lead* l) {
       l->mutable_address()->set_province("28");
       l->mutable_address()->set_postal_code("28036");
     },
     ""},
    {"postal code of another province",
     [](v1::Lead* l) {
       l->mutable_address()->set_province("28");
       l->mutable_address()->set_postal_code("08001");
     },
     "lead.address.postal_code"},
    {"postal code of four digits",
     [](v1::Lead* l) { l->mutable_address()->set_postal_code("2803"); },
     "lead.address.postal_code"},
    {"province not in the table",
     [](v1::Lead* l) { l->mutable_address()->set_province("99"); },
     "lead.address.province"},
    {"unknown country",
     [](v1::Lead* l) { l->mutable_address()->set_country("XX"); },
     "lead.address.country"},
    {"phone good",
     [](v1::Lead* l) { l->mutable_phone1()->set_text("913848500"); }, ""},
    {"phone invalid", [](v1::Lead* l) { l->mutable_mobile()->set_text("12"); },
     "lead.mobile.text"},
    {"e-mail good", [](v1::Lead* l) { l->set_email1("ana@example.es"); }, ""},
    {"e-mail with international domain",
     [](v1::Lead* l) { l->set_email2("info@señor-peña.es"); }, ""},
    {"e-mail without domain", [](v1::Lead* l) { l->set_email1("ana@"); },
     "lead.email1"},
    {"web https", [](v1::Lead* l) { l->set_web1("https://example.es/x"); }, ""},
    {"web ftp", [](v1::Lead* l) { l->set_web1("ftp://example.es"); },
     "lead.web1"},
    {"web with two addresses",
     [](v1::Lead* l) { l->set_web2("https://a.es https://b.es"); },
     "lead.web2"},
    {"language ISO 639-1", [](v1::Lead* l) { l->set_language("eu"); }, ""},
    {"language unknown", [](v1::Lead* l) { l->set_language("zz"); },
     "lead.language"},
    {"CNAE class", [](v1::Lead* l) { l->set_cnae("6419"); }, ""},
    {"CNAE unknown", [](v1::Lead* l) { l->set_cnae("9999"); }, "lead.cnae"},
    {"revenue in EUR",
     [](v1::Lead* l) { l->mutable_annual_revenue()->set_minor_units(100); },
     ""},
    {"revenue negative",
     [](v1::Lead* l) { l->mutable_annual_revenue()->set_minor_units(-1); },
     "lead.annual_revenue.minor_units"},
    {"revenue in unknown currency",
     [](v1::Lead* l) {
       l->mutable_annual_revenue()->set_minor_units(100);
       l->mutable_annual_revenue()->set_currency("XYZ");
     },
     "lead.annual_revenue.currency"},
    {"employees negative", [](v1::Lead* l) { l->set_employees(-1); },
     "lead.employees"},
    {"source from master",
     [](v1::Lead* l) { l->set_source("public-register"); }, ""},
    {"source unknown", [](v1::Lead* l) { l->set_source("carrier-pigeon"); },
     "lead.source"},
    {"agent unknown", [](v1::Lead* l) { l->set_agent("nobody"); },
     "lead.agent"},
    {"campaign unknown", [](v1::Lead* l) { l->set_source_campaign("x"); },
     "lead.source_campaign"},
    {"interest level unknown",
     [](v1::Lead* l) { l->set_interest_level("burning"); },
     "lead.interest_level"},
    {"status closed on creation",
     [](v1::Lead* l) { l->set_status("qualified"); }, "lead.status"},
    {"economic zone override", [](v1::Lead* l) { l->set_economic_zone("ROW"); },
     ""},
    {"economic zone unknown", [](v1::Lead* l) { l->set_economic_zone("MARS"); },
     "lead.economic_zone"},
    {"derived field set",
     [](v1::Lead* l) { l->mutable_sector()->set_code("K"); }, "lead.sector"},
};

class LeadRulesE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new LeadStack();
    ASSERT_TRUE(stack_->Start()) << stack_->Log();
  }

  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }

  static grpc::Status Create(const v1::Lead& lead, v1::Lead* created,
                             bool allow_duplicate = false) {
    v1::CreateLeadRequest request;
    *request.mutable_lead() = lead;
    request.set_allow_duplicate(allow_duplicate);
    return stack_->Create(request, created);
  }

  static v1::Lead MustCreate(const v1::Lead& lead) {
    v1::Lead created;
    grpc::Status status = Create(lead, &created, true);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created;
  }

  static LeadStack* stack_;
};

LeadStack* LeadRulesE2E::stack_ = nullptr;

TEST_F(LeadRulesE2E, EveryFieldRuleHoldsThroughTheApi) {
  int n = 0;
  for (const FieldCase& c : kFieldCases) {
    SCOPED_TRACE(c.name);
    v1::Lead lead = Base(++n);
    c.set(&lead);
    v1::Lead created;
    grpc::Status status = Create(lead, &created, true);

    if (*c.refused_field == '\0') {
      EXPECT_TRUE(status.ok()) << status.error_message();
      continue;
    }
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    v1::BadRequest detail;
    ASSERT_TRUE(ErrorDetail(status, &detail)) << status.error_message();
    std::vector<std::string> fields;
    for (const auto& v : detail.field_violations()) fields.push_back(v.field());
    EXPECT_THAT(fields, ::testing::Contains(c.refused_field));
  }
}

TEST_F(LeadRulesE2E, DerivedFieldsAreComputed) {
  v1::Lead lead = Base(1000);
  lead.mutable_address()->set_province("35");
  lead.mutable_address()->set_postal_code("35001");
  lead.set_cnae("6419");
  lead.mutable_phone1()->set_text("913 84 85 00");
  lead.set_tax_id("a82473018");
  const v1::Lead created = MustCreate(lead);

  EXPECT_EQ(created.address().region().code(), "05");
  EXPECT_EQ(created.economic_zone(), "ES_SPECIAL");
  EXPECT_FALSE(created.economic_zone_overridden());
  EXPECT_EQ(created.sector().code(), "K");
  EXPECT_EQ(created.phone1().e164(), "+34913848500");
  EXPECT_EQ(created.tax_id(), "A82473018");
  EXPECT_EQ(created.status(), "new");
  EXPECT_EQ(created.status_category(), v1::STATUS_CATEGORY_OPEN);
  EXPECT_FALSE(created.reference_data_version().empty());
}

TEST_F(LeadRulesE2E, EconomicZoneFollowsCountryUnlessOverridden) {
  v1::Lead lead = Base(1001);
  lead.mutable_address()->set_country("DE");
  v1::Lead created = MustCreate(lead);
  EXPECT_EQ(created.economic_zone(), "EU");

  v1::UpdateLeadRequest update;
  update.mutable_lead()->set_id(created.id());
  update.mutable_lead()->set_economic_zone("ROW");
  update.mutable_update_mask()->add_paths("economic_zone");
  ASSERT_TRUE(stack_->Update(update, &created).ok());
  EXPECT_EQ(created.economic_zone(), "ROW");
  EXPECT_TRUE(created.economic_zone_overridden());

  update.mutable_lead()->clear_economic_zone();
  ASSERT_TRUE(stack_->Update(update, &created).ok());
  EXPECT_EQ(created.economic_zone(), "EU");
  EXPECT_FALSE(created.economic_zone_overridden());
}

TEST_F(LeadRulesE2E, DuplicatesAreRefusedUnlessAllowed) {
  v1::Lead first = Base(1002);
  first.set_email1("Dup@Example.es");
  const v1::Lead existing = MustCreate(first);

  v1::Lead second = Base(1003);
  second.set_email2("dup@example.es");
  v1::Lead created;
  grpc::Status status = Create(second, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_THAT(status.error_message(), HasSubstr(existing.id()));
  v1::DuplicateLeads detail;
  ASSERT_TRUE(ErrorDetail(status, &detail));
  ASSERT_EQ(detail.matches_size(), 1);
  EXPECT_EQ(detail.matches(0).lead_id(), existing.id());
  EXPECT_EQ(detail.matches(0).field(), "email1");

  EXPECT_TRUE(Create(second, &created, true).ok());
}

TEST_F(LeadRulesE2E, DuplicatePhoneAndTaxIdAreFound) {
  v1::Lead first = Base(1004);
  first.mutable_phone1()->set_text("+34 915 756 800");
  first.set_tax_id("A80754781");
  MustCreate(first);

  v1::Lead by_phone = Base(1005);
  by_phone.mutable_fax()->set_text("915756800");
  v1::Lead created;
  EXPECT_EQ(Create(by_phone, &created).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  v1::Lead by_tax = Base(1006);
  by_tax.set_tax_id("a-80754781");
  EXPECT_EQ(Create(by_tax, &created).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
}

// The lifecycle.

v1::QualifyLeadRequest Qualify(const std::string& id) {
  v1::QualifyLeadRequest request;
  request.set_id(id);
  request.set_create_account(true);
  request.set_create_contact(true);
  request.set_create_opportunity(true);
  return request;
}

class LifecycleE2E : public LeadRulesE2E {
 protected:
  static grpc::Status Call(
      const std::function<grpc::Status(grpc::ClientContext*)>& rpc) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    return rpc(&context);
  }

  static grpc::Status QualifyLead(const v1::QualifyLeadRequest& request,
                                  v1::QualifyLeadResponse* response) {
    return Call([&](grpc::ClientContext* c) {
      return stack_->stub().QualifyLead(c, request, response);
    });
  }

  static grpc::Status Disqualify(const std::string& id,
                                 const std::string& reason, v1::Lead* lead) {
    v1::DisqualifyLeadRequest request;
    request.set_id(id);
    request.set_reason(reason);
    return Call([&](grpc::ClientContext* c) {
      return stack_->stub().DisqualifyLead(c, request, lead);
    });
  }

  static grpc::Status Reactivate(const std::string& id, v1::Lead* lead) {
    v1::ReactivateLeadRequest request;
    request.set_id(id);
    return Call([&](grpc::ClientContext* c) {
      return stack_->stub().ReactivateLead(c, request, lead);
    });
  }

  static grpc::Status Rename(const std::string& id, v1::Lead* lead) {
    v1::UpdateLeadRequest update;
    update.mutable_lead()->set_id(id);
    update.mutable_lead()->set_name("Renamed");
    update.mutable_update_mask()->add_paths("name");
    return stack_->Update(update, lead);
  }
};

TEST_F(LifecycleE2E, QualifyFixesIdsAndFreezesFields) {
  const v1::Lead lead = MustCreate(Base(2000));
  v1::QualifyLeadResponse qualified;
  ASSERT_TRUE(QualifyLead(Qualify(lead.id()), &qualified).ok());

  EXPECT_EQ(qualified.lead().status(), "qualified");
  EXPECT_EQ(qualified.lead().status_category(), v1::STATUS_CATEGORY_QUALIFIED);
  EXPECT_FALSE(qualified.account_id().empty());
  EXPECT_EQ(qualified.account_id(),
            qualified.lead().qualification().account_id());
  EXPECT_NE(qualified.contact_id(), qualified.account_id());

  v1::Lead changed;
  grpc::Status status = Rename(lead.id(), &changed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("reactivate"));

  v1::UpdateLeadRequest description;
  description.mutable_lead()->set_id(lead.id());
  description.mutable_lead()->set_description("Signed on Monday");
  description.mutable_update_mask()->add_paths("description");
  status = stack_->Update(description, &changed);
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(LifecycleE2E, QualifyingTwiceIsRefusedButARetryIsNot) {
  const v1::Lead lead = MustCreate(Base(2001));
  v1::QualifyLeadRequest request = Qualify(lead.id());
  request.set_request_id("qualify-2001");
  v1::QualifyLeadResponse first;
  ASSERT_TRUE(QualifyLead(request, &first).ok());

  v1::QualifyLeadResponse retry;
  ASSERT_TRUE(QualifyLead(request, &retry).ok());
  EXPECT_EQ(retry.account_id(), first.account_id());
  EXPECT_EQ(retry.opportunity_id(), first.opportunity_id());

  request.set_request_id("qualify-2001-again");
  EXPECT_EQ(QualifyLead(request, &retry).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(LifecycleE2E, OpportunityWithNothingToLinkToIsRefused) {
  const v1::Lead lead = MustCreate(Base(2002));
  v1::QualifyLeadRequest request;
  request.set_id(lead.id());
  request.set_create_opportunity(true);
  v1::QualifyLeadResponse response;
  grpc::Status status = QualifyLead(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("create_opportunity"));

  request.set_existing_customer_id("0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b");
  ASSERT_TRUE(QualifyLead(request, &response).ok());
  EXPECT_FALSE(response.opportunity_id().empty());
  EXPECT_TRUE(response.account_id().empty());
}

TEST_F(LifecycleE2E, DisqualifiedLeadIsReactivatedToOpen) {
  const v1::Lead lead = MustCreate(Base(2003));
  v1::Lead changed;
  EXPECT_EQ(Disqualify(lead.id(), "", &changed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Disqualify(lead.id(), "bored", &changed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  ASSERT_TRUE(Disqualify(lead.id(), "lost", &changed).ok());
  EXPECT_EQ(changed.disqualification_reason(), "lost");
  EXPECT_EQ(changed.status_category(), v1::STATUS_CATEGORY_DISQUALIFIED);

  v1::QualifyLeadResponse qualified;
  EXPECT_EQ(QualifyLead(Qualify(lead.id()), &qualified).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(Rename(lead.id(), &changed).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  ASSERT_TRUE(Reactivate(lead.id(), &changed).ok());
  EXPECT_EQ(changed.status(), "new");
  EXPECT_TRUE(changed.disqualification_reason().empty());
  EXPECT_TRUE(Rename(lead.id(), &changed).ok());
  EXPECT_EQ(Reactivate(lead.id(), &changed).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(LifecycleE2E, ArchiveHidesFromDefaultListAndRestoreBringsBack) {
  const v1::Lead lead = MustCreate(Base(2004));
  v1::Lead changed;
  v1::ArchiveLeadRequest archive;
  archive.set_id(lead.id());
  ASSERT_TRUE(Call([&](grpc::ClientContext* c) {
                return stack_->stub().ArchiveLead(c, archive, &changed);
              }).ok());
  EXPECT_TRUE(changed.archived());
  EXPECT_EQ(Call([&](grpc::ClientContext* c) {
              return stack_->stub().ArchiveLead(c, archive, &changed);
            }).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  v1::ListLeadsRequest list;
  list.set_name_prefix("lead 2004");
  v1::ListLeadsResponse page;
  ASSERT_TRUE(stack_->List(list, &page).ok());
  EXPECT_EQ(page.leads_size(), 0);
  list.set_archived(v1::ARCHIVED_FILTER_ARCHIVED);
  ASSERT_TRUE(stack_->List(list, &page).ok());
  ASSERT_EQ(page.leads_size(), 1);

  v1::RestoreLeadRequest restore;
  restore.set_id(lead.id());
  ASSERT_TRUE(Call([&](grpc::ClientContext* c) {
                return stack_->stub().RestoreLead(c, restore, &changed);
              }).ok());
  EXPECT_FALSE(changed.archived());
}

TEST_F(LifecycleE2E, MastersAreServed) {
  v1::ListMastersResponse masters;
  ASSERT_TRUE(Call([&](grpc::ClientContext* c) {
                return stack_->stub().ListMasters(c, v1::ListMastersRequest(),
                                                  &masters);
              }).ok());
  bool has_public_register = false;
  for (const v1::MasterValue& source : masters.masters().sources()) {
    has_public_register |= source.code() == "public-register";
  }
  EXPECT_TRUE(has_public_register);
  EXPECT_GE(masters.masters().disqualification_reasons_size(), 4);
}

}  // namespace
}  // namespace crm::leads
