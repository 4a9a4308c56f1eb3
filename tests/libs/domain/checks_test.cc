#include "libs/domain/checks.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace crm::leads {
namespace {

using ::crm::testing::IsOk;
using ::crm::testing::StatusIs;

MATCHER_P(IsOkAndHolds, expected,
          "is OK and holds " + ::testing::PrintToString(expected)) {
  if (!arg.ok()) {
    *result_listener << arg.status().ToString();
    return false;
  }
  *result_listener << "holds " << ::testing::PrintToString(*arg);
  return *arg == expected;
}

auto IsRefused() { return StatusIs(absl::StatusCode::kInvalidArgument); }

// Tax IDs.

TEST(SpanishTaxId, CifsOfRealCompaniesPass) {
  for (const char* cif : {"A82473018", "A02000974", "W0063712D", "A80754781"}) {
    EXPECT_THAT(NormalizeSpanishTaxId(cif), IsOkAndHolds(std::string(cif)));
  }
}

TEST(SpanishTaxId, SeparatorsAreRemovedAndLettersUpperCased) {
  EXPECT_THAT(NormalizeSpanishTaxId("a-82.473 018"),
              IsOkAndHolds(std::string("A82473018")));
  EXPECT_THAT(NormalizeSpanishTaxId("12345678-z"),
              IsOkAndHolds(std::string("12345678Z")));
}

TEST(SpanishTaxId, DniNifWithRightLetterPasses) {
  EXPECT_THAT(NormalizeSpanishTaxId("12345678Z"),
              IsOkAndHolds(std::string("12345678Z")));
  EXPECT_THAT(NormalizeSpanishTaxId("00000000T"),
              IsOkAndHolds(std::string("00000000T")));
}

TEST(SpanishTaxId, DniNifWithWrongLetterIsRefused) {
  EXPECT_THAT(NormalizeSpanishTaxId("12345678A"), IsRefused());
}

TEST(SpanishTaxId, NieUsesItsPrefixAsLeadingDigit) {
  EXPECT_THAT(NormalizeSpanishTaxId("X1234567L"),
              IsOkAndHolds(std::string("X1234567L")));
  EXPECT_THAT(NormalizeSpanishTaxId("Y1234567X"),
              IsOkAndHolds(std::string("Y1234567X")));
  EXPECT_THAT(NormalizeSpanishTaxId("Z1234567R"),
              IsOkAndHolds(std::string("Z1234567R")));
}

TEST(SpanishTaxId, NieWithWrongLetterIsRefused) {
  EXPECT_THAT(NormalizeSpanishTaxId("X1234567R"), IsRefused());
}

TEST(SpanishTaxId, PersonalNifWithoutDniIsCheckedOnSevenDigits) {
  EXPECT_THAT(NormalizeSpanishTaxId("K1234567L"),
              IsOkAndHolds(std::string("K1234567L")));
  EXPECT_THAT(NormalizeSpanishTaxId("M1234567A"), IsRefused());
}

TEST(SpanishTaxId, CifWithWrongControlIsRefused) {
  EXPECT_THAT(NormalizeSpanishTaxId("A82473017"), IsRefused());
  EXPECT_THAT(NormalizeSpanishTaxId("W0063712C"), IsRefused());
}

TEST(SpanishTaxId, CifOfCompanyNeedsDigitControl) {
  // A82473018 with its control digit 8 written as the letter H.
  EXPECT_THAT(NormalizeSpanishTaxId("A8247301H"), IsRefused());
}

TEST(SpanishTaxId, CifOfForeignEntityNeedsLetterControl) {
  // W0063712D with its control letter D written as the digit 4.
  EXPECT_THAT(NormalizeSpanishTaxId("W00637124"), IsRefused());
}

TEST(SpanishTaxId, CifOfOtherTypesTakesLetterOrDigit) {
  EXPECT_THAT(NormalizeSpanishTaxId("G28029643"),
              IsOkAndHolds(std::string("G28029643")));
  EXPECT_THAT(NormalizeSpanishTaxId("G2802964C"),
              IsOkAndHolds(std::string("G2802964C")));
}

TEST(SpanishTaxId, UnknownEntityLetterIsRefused) {
  EXPECT_THAT(NormalizeSpanishTaxId("I82473018"), IsRefused());
}

TEST(SpanishTaxId, WrongLengthOrCharactersAreRefused) {
  EXPECT_THAT(NormalizeSpanishTaxId(""), IsRefused());
  EXPECT_THAT(NormalizeSpanishTaxId("1234567Z"), IsRefused());
  EXPECT_THAT(NormalizeSpanishTaxId("A824730188"), IsRefused());
  EXPECT_THAT(NormalizeSpanishTaxId("A82473O18"), IsRefused());
  EXPECT_THAT(NormalizeSpanishTaxId("A82473018\xC3\xB1"), IsRefused());
}

TEST(SpanishTaxId, MessageDoesNotRepeatTheValue) {
  absl::StatusOr<std::string> id = NormalizeSpanishTaxId("12345678A");
  ASSERT_THAT(id, IsRefused());
  EXPECT_EQ(id.status().message().find("12345678"), absl::string_view::npos);
}

// Phones.

TEST(Phone, SpanishNumberGetsCountryPrefix) {
  EXPECT_THAT(NormalizePhone("913848500", "ES"),
              IsOkAndHolds(std::string("+34913848500")));
  EXPECT_THAT(NormalizePhone("91 384 85 00", "ES"),
              IsOkAndHolds(std::string("+34913848500")));
  EXPECT_THAT(NormalizePhone("612-34-56-78", "ES"),
              IsOkAndHolds(std::string("+34612345678")));
}

TEST(Phone, InternationalPrefixOverridesRegion) {
  EXPECT_THAT(NormalizePhone("+49 30 901820", "ES"),
              IsOkAndHolds(std::string("+4930901820")));
  EXPECT_THAT(NormalizePhone("0034 913 848 500", "ES"),
              IsOkAndHolds(std::string("+34913848500")));
}

TEST(Phone, NumberOfOtherRegionUsesItsTrunkPrefix) {
  EXPECT_THAT(NormalizePhone("030 901820", "DE"),
              IsOkAndHolds(std::string("+4930901820")));
}

TEST(Phone, WithoutRegionOnlyInternationalFormParses) {
  EXPECT_THAT(NormalizePhone("+34913848500", ""),
              IsOkAndHolds(std::string("+34913848500")));
  EXPECT_THAT(NormalizePhone("913848500", ""), IsRefused());
}

TEST(Phone, InvalidNumbersAreRefused) {
  EXPECT_THAT(NormalizePhone("", "ES"), IsRefused());
  EXPECT_THAT(NormalizePhone("12345", "ES"), IsRefused());
  EXPECT_THAT(NormalizePhone("413848500", "ES"), IsRefused());
  EXPECT_THAT(NormalizePhone("call me", "ES"), IsRefused());
}

// E-mail addresses.

TEST(Email, AddressIsLowerCased) {
  EXPECT_THAT(NormalizeEmail("Ana.Garcia@Example.ES"),
              IsOkAndHolds(std::string("ana.garcia@example.es")));
}

TEST(Email, AtomSymbolsAreAllowedInLocalPart) {
  EXPECT_THAT(NormalizeEmail("o'neil+crm_1@mail.example.com"),
              IsOkAndHolds(std::string("o'neil+crm_1@mail.example.com")));
}

TEST(Email, InternationalDomainIsStoredAsAscii) {
  EXPECT_THAT(NormalizeEmail("info@Peña.es"),
              IsOkAndHolds(std::string("info@xn--pea-8ma.es")));
}

TEST(Email, MalformedLocalPartIsRefused) {
  for (const char* address :
       {"@example.com", ".ana@example.com", "ana.@example.com",
        "an..a@example.com", "ana garcia@example.com", "\"ana\"@example.com",
        "peña@example.com", "a@b@example.com"}) {
    EXPECT_THAT(NormalizeEmail(address), IsRefused()) << address;
  }
}

TEST(Email, MalformedDomainIsRefused) {
  for (const char* address :
       {"ana", "ana@", "ana@localhost", "ana@example.", "ana@.example.com",
        "ana@exa mple.com", "ana@example..com", "ana@-example.com",
        "ana@example_1.com", "ana@10.0.0.1", "ana@[10.0.0.1]"}) {
    EXPECT_THAT(NormalizeEmail(address), IsRefused()) << address;
  }
}

TEST(Email, LengthLimitsApply) {
  const std::string label(63, 'a');
  EXPECT_THAT(NormalizeEmail(std::string(64, 'x') + "@example.com"), IsOk());
  EXPECT_THAT(NormalizeEmail(std::string(65, 'x') + "@example.com"),
              IsRefused());
  EXPECT_THAT(NormalizeEmail("x@" + std::string(64, 'a') + ".com"),
              IsRefused());
  // 64 + 1 + 189 = 254 characters is the longest address.
  const std::string domain = label + "." + label + "." + std::string(61, 'b');
  EXPECT_THAT(NormalizeEmail(std::string(64, 'x') + "@" + domain), IsOk());
  EXPECT_THAT(NormalizeEmail(std::string(64, 'x') + "@a" + domain),
              IsRefused());
}

// Web addresses.

TEST(HttpUrl, AbsoluteHttpAndHttpsUrlsPass) {
  for (const char* url :
       {"https://www.bancodealbacete.es", "http://example.com/a/b?c=d#e",
        "HTTPS://WWW.EXAMPLE.ES/", "https://example.com:8443/x",
        "https://peña.es/", "https://example.com/?next=https://other.es",
        "http://192.0.2.1/"}) {
    EXPECT_TRUE(IsHttpUrl(url)) << url;
  }
}

TEST(HttpUrl, SchemeRunIntoAnotherUrlIsRefused) {
  EXPECT_FALSE(IsHttpUrl("https://hhttp://www.finantia.es/es"));
  EXPECT_FALSE(IsHttpUrl("https://www.finantia.es://es"));
}

TEST(HttpUrl, TwoUrlsInOneCellAreRefused) {
  EXPECT_FALSE(IsHttpUrl("https://www.a.es https://www.b.es"));
  EXPECT_FALSE(IsHttpUrl("https://www.a.es/ https://www.b.es/"));
}

TEST(HttpUrl, OtherSchemesAndRelativeUrlsAreRefused) {
  for (const char* url :
       {"www.example.es", "example.es/path", "/path", "ftp://example.es",
        "mailto:ana@example.es", "javascript:alert(1)", "https:example.es"}) {
    EXPECT_FALSE(IsHttpUrl(url)) << url;
  }
}

TEST(HttpUrl, MissingOrMalformedHostIsRefused) {
  for (const char* url :
       {"", "https://", "http:///example.es", "https://localhost/",
        "https://example..es", "https://-example.es", "https://example.123",
        "https://example.es:99999/"}) {
    EXPECT_FALSE(IsHttpUrl(url)) << url;
  }
}

TEST(HttpUrl, WhiteSpaceAnywhereIsRefused) {
  EXPECT_FALSE(IsHttpUrl(" https://example.es"));
  EXPECT_FALSE(IsHttpUrl("https://example.es/a b"));
  EXPECT_FALSE(IsHttpUrl("https://example.es/\t"));
}

// Currency codes.

TEST(CurrencyCode, CurrentIsoCodesPass) {
  for (const char* code : {"EUR", "USD", "GBP", "JPY", "CHF", "MXN"}) {
    EXPECT_TRUE(IsCurrencyCode(code)) << code;
  }
}

TEST(CurrencyCode, WithdrawnLowerCaseAndUnknownCodesAreRefused) {
  for (const char* code : {"ESP", "DEM", "eur", "Eur", "EURO", "XYZ", ""}) {
    EXPECT_FALSE(IsCurrencyCode(code)) << code;
  }
}

// Search folding.

TEST(FoldForSearch, CaseAndAccentsAreRemoved) {
  EXPECT_EQ(FoldForSearch("PEÑA"), "pena");
  EXPECT_EQ(FoldForSearch("peña"), "pena");
  EXPECT_EQ(FoldForSearch("Ávila"), "avila");
  EXPECT_EQ(FoldForSearch("Lleida/Lérida, Çà"), "lleida/lerida, ca");
}

TEST(FoldForSearch, DecomposedInputFoldsTheSame) {
  EXPECT_EQ(FoldForSearch("Pen\xCC\x83"
                          "a"),
            "pena");
}

TEST(FoldForSearch, OtherScriptsAreOnlyLowerCased) {
  EXPECT_EQ(FoldForSearch("ΑΘΗΝΑ"), "αθηνα");
  EXPECT_EQ(FoldForSearch(""), "");
}

}  // namespace
}  // namespace crm::leads
