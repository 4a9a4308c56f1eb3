#include "libs/leadtext/lead_text.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace crm::leadtext {
namespace {

using ::crm::leads::v1::Lead;
using ::crm::leads::v1::PREFERRED_CONTACT_EMAIL;
using ::crm::leads::v1::PREFERRED_CONTACT_PHONE;
using ::crm::leads::v1::PREFERRED_CONTACT_UNSPECIFIED;

MATCHER_P(IsInvalidArgument, message, "") {
  return arg.code() == absl::StatusCode::kInvalidArgument &&
         arg.message() == message;
}

Lead LeadWith(absl::string_view path, absl::string_view text) {
  Lead lead;
  const absl::Status status = SetLeadField(&lead, path, text);
  EXPECT_TRUE(status.ok()) << status;
  return lead;
}

absl::Status ErrorOf(absl::string_view path, absl::string_view text) {
  Lead lead;
  return SetLeadField(&lead, path, text);
}

TEST(LeadText, StringIsStoredAsGiven) {
  EXPECT_EQ(LeadWith("name", "  Renta 4, S.A. ").name(), "  Renta 4, S.A. ");
}

TEST(LeadText, NestedStringPathSetsAddressField) {
  const Lead lead = LeadWith("address.postal_code", "28036");
  EXPECT_EQ(lead.address().postal_code(), "28036");
  EXPECT_EQ(lead.address().street(), "");
}

TEST(LeadText, UnknownPathIsInvalidArgumentNamingIt) {
  EXPECT_THAT(ErrorOf("nickname", "Ana"),
              IsInvalidArgument("unknown lead field \"nickname\""));
}

TEST(LeadText, UnknownNestedPathIsInvalidArgument) {
  EXPECT_THAT(ErrorOf("address.floor", "3"),
              IsInvalidArgument("unknown lead field \"address.floor\""));
}

TEST(LeadText, PathBelowAScalarIsUnknown) {
  EXPECT_THAT(ErrorOf("name.first", "Ana"),
              IsInvalidArgument("unknown lead field \"name.first\""));
}

TEST(LeadText, EmptySegmentIsUnknown) {
  EXPECT_THAT(ErrorOf("address..street", "x"),
              IsInvalidArgument("unknown lead field \"address..street\""));
}

TEST(LeadText, GroupPathIsRefused) {
  EXPECT_THAT(ErrorOf("address", "CL Mayor 1"),
              IsInvalidArgument("lead field \"address\" is a group of "
                                "fields; name one of them, as in "
                                "\"address.street\""));
}

TEST(LeadText, CheckLeadPathAcceptsLeafAndTextMessagePaths) {
  EXPECT_TRUE(CheckLeadPath("address.street").ok());
  EXPECT_TRUE(CheckLeadPath("phone1").ok());
  EXPECT_TRUE(CheckLeadPath("annual_revenue").ok());
  EXPECT_TRUE(CheckLeadPath("created_at").ok());
}

TEST(LeadText, CheckLeadPathRefusesUnknownPath) {
  EXPECT_THAT(CheckLeadPath("adress.street"),
              IsInvalidArgument("unknown lead field \"adress.street\""));
}

TEST(LeadText, Int64IsParsed) {
  EXPECT_EQ(LeadWith("employees", "250").employees(), 250);
}

TEST(LeadText, Int64IgnoresSurroundingSpaces) {
  EXPECT_EQ(LeadWith("employees", " 42 ").employees(), 42);
}

TEST(LeadText, Int64AcceptsSign) {
  EXPECT_EQ(LeadWith("employees", "-3").employees(), -3);
}

TEST(LeadText, Int64WithLettersNamesThePath) {
  EXPECT_THAT(ErrorOf("employees", "12x"),
              IsInvalidArgument("employees: \"12x\" is not a whole number"));
}

TEST(LeadText, Int64OutOfRangeIsRefused) {
  EXPECT_THAT(ErrorOf("employees", "9223372036854775808"),
              IsInvalidArgument("employees: \"9223372036854775808\" is not a "
                                "whole number"));
}

TEST(LeadText, Int64DecimalIsRefused) {
  EXPECT_THAT(ErrorOf("employees", "2.5"),
              IsInvalidArgument("employees: \"2.5\" is not a whole number"));
}

TEST(LeadText, BoolAcceptsEveryYesWord) {
  for (const char* text : {"true", "TRUE", "Yes", "si", "Sí", "SÍ", "1"}) {
    EXPECT_TRUE(LeadWith("allow_email", text).allow_email()) << text;
  }
}

TEST(LeadText, BoolAcceptsEveryNoWord) {
  Lead lead;
  for (const char* text : {"false", "No", "0", "FALSE"}) {
    ASSERT_TRUE(SetLeadField(&lead, "allow_email", "true").ok());
    ASSERT_TRUE(SetLeadField(&lead, "allow_email", text).ok()) << text;
    EXPECT_FALSE(lead.allow_email()) << text;
  }
}

TEST(LeadText, BoolRefusesOtherWords) {
  EXPECT_THAT(ErrorOf("allow_email", "maybe"),
              IsInvalidArgument("allow_email: \"maybe\" is not one of "
                                "true/false, yes/no, si/no, 1/0"));
}

TEST(LeadText, EnumAcceptsFullValueName) {
  EXPECT_EQ(LeadWith("preferred_contact", "PREFERRED_CONTACT_EMAIL")
                .preferred_contact(),
            PREFERRED_CONTACT_EMAIL);
}

TEST(LeadText, EnumAcceptsSuffixInAnyCase) {
  EXPECT_EQ(LeadWith("preferred_contact", "email").preferred_contact(),
            PREFERRED_CONTACT_EMAIL);
  EXPECT_EQ(LeadWith("preferred_contact", "Phone").preferred_contact(),
            PREFERRED_CONTACT_PHONE);
}

TEST(LeadText, EnumUnspecifiedIsAccepted) {
  EXPECT_EQ(LeadWith("preferred_contact", "unspecified").preferred_contact(),
            PREFERRED_CONTACT_UNSPECIFIED);
}

TEST(LeadText, EnumRefusesUnknownNameListingChoices) {
  EXPECT_THAT(ErrorOf("preferred_contact", "pigeon"),
              IsInvalidArgument("preferred_contact: \"pigeon\" is not one of "
                                "any, email, phone, fax, mail"));
}

TEST(LeadText, EnumRefusesPartialSuffix) {
  EXPECT_THAT(ErrorOf("preferred_contact", "contact_email"),
              IsInvalidArgument("preferred_contact: \"contact_email\" is not "
                                "one of any, email, phone, fax, mail"));
}

TEST(LeadText, PhonePathSetsText) {
  const Lead lead = LeadWith("phone1", "913 84 85 00");
  EXPECT_EQ(lead.phone1().text(), "913 84 85 00");
  EXPECT_EQ(lead.phone1().e164(), "");
}

TEST(LeadText, PhoneTextPathSetsText) {
  EXPECT_EQ(LeadWith("fax.text", "913848507").fax().text(), "913848507");
}

TEST(LeadText, MoneyWithoutCurrencyLeavesCurrencyEmpty) {
  const Lead lead = LeadWith("annual_revenue", "1234.56");
  EXPECT_EQ(lead.annual_revenue().minor_units(), 123456);
  EXPECT_EQ(lead.annual_revenue().currency(), "");
}

TEST(LeadText, MoneyWithCurrencyAfter) {
  const Lead lead = LeadWith("annual_revenue", "1234.56 EUR");
  EXPECT_EQ(lead.annual_revenue().minor_units(), 123456);
  EXPECT_EQ(lead.annual_revenue().currency(), "EUR");
}

TEST(LeadText, MoneyWithCurrencyBeforeIsUpperCased) {
  const Lead lead = LeadWith("annual_revenue", "usd 1234.56");
  EXPECT_EQ(lead.annual_revenue().minor_units(), 123456);
  EXPECT_EQ(lead.annual_revenue().currency(), "USD");
}

TEST(LeadText, MoneyWholeAmountIsInHundredths) {
  EXPECT_EQ(LeadWith("annual_revenue", "1234").annual_revenue().minor_units(),
            123400);
}

TEST(LeadText, MoneyOneDecimalIsTenths) {
  EXPECT_EQ(LeadWith("annual_revenue", "0.5").annual_revenue().minor_units(),
            50);
}

TEST(LeadText, MoneyNegativeAmount) {
  EXPECT_EQ(LeadWith("annual_revenue", "-7.05").annual_revenue().minor_units(),
            -705);
}

TEST(LeadText, MoneyRefusesMalformedAmounts) {
  for (const char* text :
       {"1234.567", "12,50", "EUR", "1234.56 EURO", "abc", "12 34", "1.", ".5",
        "1e3", "EUR 1 USD", "999999999999999999999"}) {
    EXPECT_THAT(
        ErrorOf("annual_revenue", text),
        IsInvalidArgument(std::string("annual_revenue: \"") + text +
                          "\" is not an amount with at most two decimals, "
                          "as in \"1234.56\" or \"1234.56 EUR\""));
  }
}

TEST(LeadText, TimestampAcceptsRfc3339WithOffset) {
  const Lead lead = LeadWith("created_at", "2024-03-01T09:30:00+01:00");
  EXPECT_EQ(lead.created_at().seconds(), 1709281800);
  EXPECT_EQ(lead.created_at().nanos(), 0);
}

TEST(LeadText, TimestampAcceptsZuluAndFraction) {
  const Lead lead = LeadWith("created_at", "2024-03-01T08:30:00.25Z");
  EXPECT_EQ(lead.created_at().seconds(), 1709281800);
  EXPECT_EQ(lead.created_at().nanos(), 250000000);
}

TEST(LeadText, DateIsMidnightInMadridInWinter) {
  // 2012-02-09T00:00:00+01:00.
  EXPECT_EQ(LeadWith("created_at", "2012-02-09").created_at().seconds(),
            1328742000);
}

TEST(LeadText, DateIsMidnightInMadridInSummer) {
  // 2024-07-01T00:00:00+02:00.
  EXPECT_EQ(LeadWith("created_at", "2024-07-01").created_at().seconds(),
            1719784800);
}

TEST(LeadText, DateBefore1970IsNegativeSeconds) {
  EXPECT_EQ(LeadWith("created_at", "1947-05-09").created_at().seconds(),
            -714790800);
}

TEST(LeadText, TimestampWithoutOffsetIsRefused) {
  EXPECT_THAT(ErrorOf("created_at", "2024-03-01T09:30:00"),
              IsInvalidArgument("created_at: \"2024-03-01T09:30:00\" is not "
                                "an RFC 3339 time with an offset or a date "
                                "YYYY-MM-DD"));
}

TEST(LeadText, TimestampInOtherFormatIsRefused) {
  EXPECT_THAT(ErrorOf("created_at", "01/03/2024"),
              IsInvalidArgument("created_at: \"01/03/2024\" is not an RFC "
                                "3339 time with an offset or a date "
                                "YYYY-MM-DD"));
}

TEST(LeadText, ImpossibleDateIsRefused) {
  EXPECT_THAT(
      ErrorOf("created_at", "2023-02-29"),
      IsInvalidArgument("created_at: \"2023-02-29\" is not a valid date "
                        "YYYY-MM-DD"));
}

TEST(LeadText, EmptyTextLeavesFieldUnset) {
  Lead lead;
  ASSERT_TRUE(SetLeadField(&lead, "name", "").ok());
  EXPECT_EQ(lead.ByteSizeLong(), 0);
}

TEST(LeadText, EmptyTextCreatesNoEnclosingMessage) {
  Lead lead;
  ASSERT_TRUE(SetLeadField(&lead, "address.street", "").ok());
  EXPECT_FALSE(lead.has_address());
}

TEST(LeadText, EmptyTextClearsASetValue) {
  Lead lead = LeadWith("phone1", "913848500");
  ASSERT_TRUE(SetLeadField(&lead, "phone1", "").ok());
  EXPECT_FALSE(lead.has_phone1());
}

TEST(LeadText, SpacesOnlyLeaveNonStringFieldUnset) {
  Lead lead;
  ASSERT_TRUE(SetLeadField(&lead, "employees", "  ").ok());
  ASSERT_TRUE(SetLeadField(&lead, "created_at", " ").ok());
  EXPECT_EQ(lead.ByteSizeLong(), 0);
}

TEST(LeadText, EmptyTextForUnknownPathIsStillRefused) {
  EXPECT_THAT(ErrorOf("nickname", ""),
              IsInvalidArgument("unknown lead field \"nickname\""));
}

TEST(LeadText, BadValueLeavesLeadUnchanged) {
  Lead lead;
  EXPECT_FALSE(SetLeadField(&lead, "annual_revenue.minor_units", "x").ok());
  EXPECT_FALSE(lead.has_annual_revenue());
}

TEST(LeadText, TimestampToTextUsesMadridOffset) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(1328742000);
  EXPECT_EQ(TimestampToText(timestamp), "2012-02-09T00:00:00+01:00");
}

TEST(LeadText, TimestampToTextShowsFraction) {
  google::protobuf::Timestamp timestamp;
  timestamp.set_seconds(1719784800);
  timestamp.set_nanos(500000000);
  EXPECT_EQ(TimestampToText(timestamp), "2024-07-01T00:00:00.5+02:00");
}

TEST(LeadText, TimestampToTextReadsBack) {
  const std::string text = "2024-03-01T09:30:00.123+01:00";
  const Lead lead = LeadWith("created_at", text);
  EXPECT_EQ(TimestampToText(lead.created_at()), text);
}

TEST(LeadText, LeadToJsonOneLineKeepsProtoNames) {
  Lead lead = LeadWith("name", "ACME");
  ASSERT_TRUE(SetLeadField(&lead, "address.postal_code", "28036").ok());
  ASSERT_TRUE(SetLeadField(&lead, "employees", "12").ok());
  const absl::StatusOr<std::string> json =
      LeadToJson(lead, JsonLayout::kOneLine);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, R"({"name":"ACME","address":{"postal_code":"28036"},)"
                   R"("employees":"12"})");
}

TEST(LeadText, LeadToJsonPrettyIsIndentedWithoutTrailingNewline) {
  const Lead lead = LeadWith("created_at", "2012-02-09");
  const absl::StatusOr<std::string> json = LeadToJson(lead);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_EQ(*json, "{\n \"created_at\": \"2012-02-08T23:00:00Z\"\n}");
}

}  // namespace
}  // namespace crm::leadtext
