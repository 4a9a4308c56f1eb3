#include "libs/domain/validation.h"

#include <gmock/gmock.h>
#include <google/protobuf/field_mask.pb.h>
#include <gtest/gtest.h>

#include "crm/leads/v1/errors.pb.h"
#include "tests/support/status_matchers.h"

namespace crm::leads {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

auto ViolationOf(const std::string& field) {
  return Field(&Violation::field, field);
}

v1::Lead Named(const std::string& name) {
  v1::Lead lead;
  lead.set_name(name);
  return lead;
}

TEST(LeadValidation, NameIsRequired) {
  EXPECT_THAT(ValidateLead(v1::Lead()), ElementsAre(ViolationOf("lead.name")));
}

TEST(LeadValidation, NameOfBlanksIsMissingOnceTrimmed) {
  v1::Lead lead = Named("   ");
  NormalizeLead(&lead);
  EXPECT_THAT(ValidateLead(lead), ElementsAre(ViolationOf("lead.name")));
}

TEST(LeadValidation, NameLimitCountsCharactersNotBytes) {
  std::string name;
  for (int i = 0; i < 200; ++i) name += "ñ";
  EXPECT_THAT(ValidateLead(Named(name)), IsEmpty());
  EXPECT_THAT(ValidateLead(Named(name + "a")),
              ElementsAre(ViolationOf("lead.name")));
}

TEST(LeadValidation, EveryBrokenRuleIsListed) {
  v1::Lead lead;
  lead.set_employees(-1);
  lead.mutable_address()->set_country("Spain");
  lead.set_legal_name(std::string(201, 'x'));

  EXPECT_THAT(
      ValidateLead(lead),
      ElementsAre(ViolationOf("lead.name"), ViolationOf("lead.legal_name"),
                  ViolationOf("lead.address.country"),
                  ViolationOf("lead.employees")));
}

TEST(LeadValidation, NegativeRevenueAndBadCurrencyAreRefused) {
  v1::Lead lead = Named("Acme");
  lead.mutable_annual_revenue()->set_minor_units(-5);
  lead.mutable_annual_revenue()->set_currency("eur");

  EXPECT_THAT(ValidateLead(lead),
              ElementsAre(ViolationOf("lead.annual_revenue.minor_units"),
                          ViolationOf("lead.annual_revenue.currency")));
}

TEST(LeadValidation, DescriptionLimitIsInBytes) {
  v1::Lead lead = Named("Acme");
  lead.set_description(std::string(kMaxDescriptionBytes, 'x'));
  EXPECT_THAT(ValidateLead(lead), IsEmpty());
  lead.mutable_description()->push_back('x');
  EXPECT_THAT(ValidateLead(lead), ElementsAre(ViolationOf("lead.description")));
}

TEST(LeadNormalization, TrimsTextButNotDescription) {
  v1::Lead lead = Named("  Acme  ");
  lead.mutable_address()->set_locality(" Madrid\t");
  lead.set_description("  keep me  ");

  NormalizeLead(&lead);

  EXPECT_EQ(lead.name(), "Acme");
  EXPECT_EQ(lead.address().locality(), "Madrid");
  EXPECT_EQ(lead.description(), "  keep me  ");
}

TEST(LeadNormalization, DefaultsCountryAndCurrency) {
  v1::Lead lead = Named("Acme");
  lead.mutable_annual_revenue()->set_minor_units(100);

  NormalizeLead(&lead);

  EXPECT_EQ(lead.address().country(), "ES");
  EXPECT_EQ(lead.annual_revenue().currency(), "EUR");
}

TEST(LeadValidation, OutputOnlyFieldsAreRefused) {
  v1::Lead lead = Named("Acme");
  lead.set_id("0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b");
  lead.set_version(3);
  lead.mutable_sector()->set_code("K");
  lead.mutable_phone1()->set_e164("+34913848500");

  EXPECT_THAT(
      CheckNoOutputOnly(lead),
      ElementsAre(ViolationOf("lead.id"), ViolationOf("lead.version"),
                  ViolationOf("lead.sector"), ViolationOf("lead.phone1.e164")));
}

TEST(UpdateMaskValidation, UnknownAndOutputOnlyPathsAreRefused) {
  google::protobuf::FieldMask mask;
  mask.add_paths("name");
  mask.add_paths("nombre");
  mask.add_paths("sector");
  mask.add_paths("created_at");

  EXPECT_THAT(CheckUpdateMask(mask),
              ElementsAre(ViolationOf("update_mask.paths[nombre]"),
                          ViolationOf("update_mask.paths[sector]"),
                          ViolationOf("update_mask.paths[created_at]")));
}

TEST(UpdateMaskValidation, EmptyMaskIsRefused) {
  EXPECT_THAT(CheckUpdateMask(google::protobuf::FieldMask()),
              ElementsAre(ViolationOf("update_mask")));
}

TEST(UpdateMaskValidation, OnlyViolationsUnderTheMaskCount) {
  google::protobuf::FieldMask mask;
  mask.add_paths("address");
  const Violations all = {{"lead.name", "is required"},
                          {"lead.address.country", "bad"}};

  EXPECT_THAT(OnlyUnderMask(all, mask),
              ElementsAre(ViolationOf("lead.address.country")));
}

TEST(InvalidArgument, ListsEveryViolationInMessageAndDetail) {
  const absl::Status status = InvalidArgument(
      {{"lead.name", "is required"}, {"page_size", "must be at most 1000"}});

  EXPECT_THAT(status,
              crm::testing::StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(status.message(),
            "lead.name: is required; page_size: must be at most 1000");
  absl::optional<absl::Cord> payload = status.GetPayload(kBadRequestTypeUrl);
  ASSERT_TRUE(payload.has_value());
  v1::BadRequest detail;
  ASSERT_TRUE(detail.ParseFromString(std::string(*payload)));
  ASSERT_EQ(detail.field_violations_size(), 2);
  EXPECT_EQ(detail.field_violations(1).field(), "page_size");
}

TEST(VersionConflictError, CarriesCurrentVersion) {
  const absl::Status status = VersionConflictError("lead-1", 2, 5);

  EXPECT_THAT(status, crm::testing::StatusIs(absl::StatusCode::kAborted));
  EXPECT_NE(status.message().find("version 5"), absl::string_view::npos);
  v1::VersionConflict detail;
  ASSERT_TRUE(detail.ParseFromString(
      std::string(*status.GetPayload(kVersionConflictTypeUrl))));
  EXPECT_EQ(detail.current_version(), 5);
  EXPECT_EQ(detail.expected_version(), 2);
}

}  // namespace
}  // namespace crm::leads
