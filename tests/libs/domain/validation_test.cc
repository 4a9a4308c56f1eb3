#include "libs/domain/validation.h"

#include <gmock/gmock.h>
#include <google/protobuf/field_mask.pb.h>
#include <gtest/gtest.h>

#include "crm/leads/v1/errors.pb.h"
#include "libs/refdata/reference_data.h"
#include "tests/support/status_matchers.h"

namespace crm::leads {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

auto ViolationOf(const std::string& field) {
  return Field(&Violation::field, field);
}

v1::Lead Named(const std::string& name) {
  v1::Lead lead;
  lead.set_name(name);
  return lead;
}

// A lead in `country` (and `province`, when given), normalised.
v1::Lead NormalizedIn(const std::string& country,
                      const std::string& province = "") {
  v1::Lead lead = Named("Acme");
  lead.mutable_address()->set_country(country);
  lead.mutable_address()->set_province(province);
  NormalizeLead(&lead);
  return lead;
}

// The first row of the register sample, as an import would fill it.
v1::Lead SampleBank() {
  v1::Lead lead = Named("RENTA 4 BANCO, S.A.");
  lead.set_legal_name("RENTA 4 BANCO, S.A.");
  lead.set_tax_id("A82473018");
  lead.set_company("RENTA 4 BANCO, S.A.");
  lead.mutable_address()->set_street("PS DE LA HABANA 74");
  lead.mutable_address()->set_locality("MADRID");
  lead.mutable_address()->set_postal_code("28036");
  lead.mutable_address()->set_province("28");
  lead.mutable_address()->set_country("ES");
  lead.mutable_phone1()->set_text("913848500");
  lead.mutable_fax()->set_text("913848507");
  lead.set_web1("https://www.renta4banco.com");
  lead.set_email1("Info@Renta4.es");
  lead.set_language("es");
  lead.set_cnae("6419");
  lead.set_source("public-register");
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

TEST(LeadNormalization, SpanishTaxIdIsStoredInNormalForm) {
  v1::Lead lead = Named("Acme");
  lead.set_tax_id(" a-82.473.018 ");

  NormalizeLead(&lead);

  EXPECT_EQ(lead.tax_id(), "A82473018");
}

TEST(LeadNormalization, InvalidSpanishTaxIdIsKeptAsTyped) {
  v1::Lead lead = Named("Acme");
  lead.set_tax_id("a-82473017");

  NormalizeLead(&lead);

  EXPECT_EQ(lead.tax_id(), "a-82473017");
  EXPECT_THAT(ValidateLead(lead), ElementsAre(ViolationOf("lead.tax_id")));
}

TEST(LeadNormalization, ForeignTaxIdIsFreeForm) {
  v1::Lead lead = Named("Acme");
  lead.mutable_address()->set_country("DE");
  lead.set_tax_id("de 123.456.789");

  NormalizeLead(&lead);

  EXPECT_EQ(lead.tax_id(), "de 123.456.789");
  EXPECT_THAT(ValidateLead(lead), IsEmpty());
}

TEST(LeadNormalization, PhonesGetE164InTheLeadsCountry) {
  v1::Lead lead = Named("Acme");
  lead.mutable_phone1()->set_text("91 384 85 00");
  lead.mutable_mobile()->set_text("+49 30 901820");
  NormalizeLead(&lead);
  EXPECT_EQ(lead.phone1().e164(), "+34913848500");
  EXPECT_EQ(lead.mobile().e164(), "+4930901820");
  EXPECT_FALSE(lead.has_phone2());

  lead.mutable_address()->set_country("DE");
  lead.mutable_phone1()->set_text("030 901820");
  NormalizeLead(&lead);
  EXPECT_EQ(lead.phone1().e164(), "+4930901820");
}

TEST(LeadNormalization, PhoneThatDoesNotParseHasNoE164) {
  v1::Lead lead = Named("Acme");
  lead.mutable_fax()->set_text("12345");
  lead.mutable_fax()->set_e164("+34913848500");

  NormalizeLead(&lead);

  EXPECT_EQ(lead.fax().e164(), "");
}

TEST(LeadNormalization, EmailIsKeptAsTyped) {
  v1::Lead lead = Named("Acme");
  lead.set_email1(" Ana@Example.ES ");

  NormalizeLead(&lead);

  EXPECT_EQ(lead.email1(), "Ana@Example.ES");
}

TEST(LeadNormalization, RegionComesFromSpanishProvince) {
  const v1::Lead lead = NormalizedIn("ES", "28");

  EXPECT_EQ(lead.address().region().code(), "13");
  EXPECT_EQ(lead.address().region().name(), "Madrid, Comunidad de");
}

TEST(LeadNormalization, RegionIsClearedWithoutSpanishProvince) {
  v1::Lead lead = Named("Acme");
  lead.mutable_address()->set_province("Madrid");
  lead.mutable_address()->mutable_region()->set_code("13");
  NormalizeLead(&lead);
  EXPECT_FALSE(lead.address().has_region());

  EXPECT_FALSE(NormalizedIn("FR", "28").address().has_region());
}

TEST(LeadNormalization, SectorComesFromCnaeClass) {
  v1::Lead lead = Named("Acme");
  lead.set_cnae("6419");

  NormalizeLead(&lead);

  EXPECT_EQ(lead.sector().code(), "K");
  EXPECT_EQ(lead.sector().title(), "Actividades financieras y de seguros");
}

TEST(LeadNormalization, SectorIsClearedForUnknownCnae) {
  v1::Lead lead = Named("Acme");
  lead.set_cnae("64");
  lead.mutable_sector()->set_code("K");

  NormalizeLead(&lead);

  EXPECT_FALSE(lead.has_sector());
}

TEST(LeadNormalization, EconomicZoneComesFromCountry) {
  EXPECT_EQ(NormalizedIn("ES", "28").economic_zone(), "ES");
  EXPECT_EQ(NormalizedIn("DE").economic_zone(), "EU");
  EXPECT_EQ(NormalizedIn("NO").economic_zone(), "EEA_EFTA");
  EXPECT_EQ(NormalizedIn("US").economic_zone(), "ROW");
  EXPECT_EQ(NormalizedIn("XX").economic_zone(), "");
}

TEST(LeadNormalization, CanariasCeutaAndMelillaAreSpecialZone) {
  for (const char* province : {"35", "38", "51", "52"}) {
    EXPECT_EQ(NormalizedIn("ES", province).economic_zone(), "ES_SPECIAL")
        << province;
  }
  EXPECT_EQ(NormalizedIn("ES", "07").economic_zone(), "ES");
}

TEST(LeadNormalization, OverriddenEconomicZoneIsKept) {
  v1::Lead lead = Named("Acme");
  lead.set_economic_zone("ROW");
  lead.set_economic_zone_overridden(true);

  NormalizeLead(&lead);

  EXPECT_EQ(lead.economic_zone(), "ROW");
}

TEST(LeadNormalization, ReferenceDataVersionMarksDerivedFields) {
  EXPECT_EQ(NormalizedIn("ES").reference_data_version(),
            refdata::ReferenceData::Builtin().version());

  v1::Lead lead = Named("Acme");
  lead.mutable_address()->set_country("XX");
  lead.set_reference_data_version("refdata-000000000000");
  NormalizeLead(&lead);
  EXPECT_EQ(lead.reference_data_version(), "");
}

TEST(LeadValidation, SampleRowIsValid) {
  v1::Lead lead = SampleBank();

  NormalizeLead(&lead);

  EXPECT_THAT(ValidateLead(lead), IsEmpty());
  EXPECT_EQ(lead.address().region().code(), "13");
  EXPECT_EQ(lead.economic_zone(), "ES");
  EXPECT_EQ(lead.fax().e164(), "+34913848507");
}

TEST(LeadValidation, SpanishPostalCodeIsFiveDigitsOfAProvince) {
  for (const char* code : {"2803", "280360", "28 036", "53001", "00123"}) {
    v1::Lead lead = Named("Acme");
    lead.mutable_address()->set_postal_code(code);
    EXPECT_THAT(ValidateLead(lead),
                ElementsAre(ViolationOf("lead.address.postal_code")))
        << code;
  }
}

TEST(LeadValidation, SpanishPostalCodeStartsWithTheProvince) {
  v1::Lead lead = Named("Acme");
  lead.mutable_address()->set_province("08");
  lead.mutable_address()->set_postal_code("28036");
  EXPECT_THAT(ValidateLead(lead),
              ElementsAre(ViolationOf("lead.address.postal_code")));

  lead.mutable_address()->set_postal_code("08001");
  EXPECT_THAT(ValidateLead(lead), IsEmpty());
}

TEST(LeadValidation, SpanishProvinceIsACodeFromTheTable) {
  for (const char* province : {"Madrid", "8", "53", "00"}) {
    v1::Lead lead = Named("Acme");
    lead.mutable_address()->set_province(province);
    EXPECT_THAT(ValidateLead(lead),
                ElementsAre(ViolationOf("lead.address.province")))
        << province;
  }
}

TEST(LeadValidation, ForeignAddressIsFreeText) {
  v1::Lead lead = Named("Acme");
  lead.mutable_address()->set_country("DE");
  lead.mutable_address()->set_province("Berlin");
  lead.mutable_address()->set_postal_code("10115");

  EXPECT_THAT(ValidateLead(lead), IsEmpty());
}

TEST(LeadValidation, CountryMustBeInTheTable) {
  v1::Lead lead = Named("Acme");
  lead.mutable_address()->set_country("XK");

  EXPECT_THAT(ValidateLead(lead),
              ElementsAre(ViolationOf("lead.address.country")));
}

TEST(LeadValidation, PhoneThatDoesNotParseIsReportedOnItsText) {
  v1::Lead lead = Named("Acme");
  lead.mutable_phone1()->set_text("913848500");
  lead.mutable_phone2()->set_text("12345");
  lead.mutable_fax()->set_text("fax me");

  EXPECT_THAT(ValidateLead(lead), ElementsAre(ViolationOf("lead.phone2.text"),
                                              ViolationOf("lead.fax.text")));
}

TEST(LeadValidation, PhoneWithoutPrefixIsReadInTheLeadsCountry) {
  v1::Lead lead = Named("Acme");
  lead.mutable_address()->set_country("US");
  lead.mutable_phone1()->set_text("913848500");

  EXPECT_THAT(ValidateLead(lead), ElementsAre(ViolationOf("lead.phone1.text")));
}

TEST(LeadValidation, EmailsAndWebSitesAreChecked) {
  v1::Lead lead = Named("Acme");
  lead.set_email1("ana@example.es");
  lead.set_email2("ana@");
  lead.set_web1("https://hhttp://www.finantia.es/es");
  lead.set_web2("https://www.finantia.es");

  EXPECT_THAT(ValidateLead(lead), ElementsAre(ViolationOf("lead.email2"),
                                              ViolationOf("lead.web1")));
}

TEST(LeadValidation, LanguageIsAnIso6391Code) {
  v1::Lead lead = Named("Acme");
  lead.set_language("es");
  EXPECT_THAT(ValidateLead(lead), IsEmpty());

  for (const char* language : {"ES", "spa", "xx"}) {
    lead.set_language(language);
    EXPECT_THAT(ValidateLead(lead), ElementsAre(ViolationOf("lead.language")))
        << language;
  }
}

TEST(LeadValidation, CnaeIsAnExistingClass) {
  for (const char* cnae : {"64", "641", "1020", "64.19"}) {
    v1::Lead lead = Named("Acme");
    lead.set_cnae(cnae);
    EXPECT_THAT(ValidateLead(lead), ElementsAre(ViolationOf("lead.cnae")))
        << cnae;
  }
}

TEST(LeadValidation, CurrencyIsAnIsoCodeInUse) {
  v1::Lead lead = Named("Acme");
  lead.mutable_annual_revenue()->set_currency("ESP");

  EXPECT_THAT(ValidateLead(lead),
              ElementsAre(ViolationOf("lead.annual_revenue.currency")));
}

TEST(LeadValidation, OverriddenEconomicZoneIsAKnownZone) {
  v1::Lead lead = Named("Acme");
  lead.set_economic_zone("EEA");
  lead.set_economic_zone_overridden(true);
  EXPECT_THAT(ValidateLead(lead),
              ElementsAre(ViolationOf("lead.economic_zone")));

  lead.set_economic_zone("ES_SPECIAL");
  EXPECT_THAT(ValidateLead(lead), IsEmpty());
}

TEST(LeadValidation, MessagesDoNotRepeatTheValues) {
  v1::Lead lead = Named("Acme");
  lead.set_tax_id("12345678A");
  lead.mutable_address()->set_postal_code("99999");
  lead.mutable_phone1()->set_text("55555");
  lead.set_email1("secret@@example.es");
  lead.set_web1("https://secret");

  const Violations violations = ValidateLead(lead);

  ASSERT_EQ(violations.size(), 5);
  for (const Violation& violation : violations) {
    EXPECT_THAT(violation.description, Not(HasSubstr("12345678")));
    EXPECT_THAT(violation.description, Not(HasSubstr("9999")));
    EXPECT_THAT(violation.description, Not(HasSubstr("5555")));
    EXPECT_THAT(violation.description, Not(HasSubstr("secret")));
  }
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
