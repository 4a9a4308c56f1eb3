#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "libs/refdata/reference_data.h"
#include "tests/support/status_matchers.h"

namespace crm::refdata {
namespace {

using ::crm::testing::IsOk;
using ::crm::testing::StatusIs;
using ::testing::MatchesRegex;

const ReferenceData& Data() { return ReferenceData::Builtin(); }

// A small, consistent set of tables to vary one thing at a time.
TableTexts TinyTables() {
  return {
      .cnae2009 =
          "code,level,parent,title_es\n"
          "K,section,,\"Actividades financieras y de seguros\"\n"
          "64,division,K,\"Servicios financieros, excepto seguros\"\n"
          "641,group,64,Intermediación monetaria\n"
          "6419,class,641,Otra intermediación monetaria\n",
      .countries =
          "alpha2,name_en,name_es,economic_zone\n"
          "ES,Spain,España,ES\n",
      .languages = "code,name_en,name_es\nes,Spanish,Español\n",
      .provinces_es =
          "province_code,province_name,region_code,region_name\n"
          "28,Madrid,13,\"Madrid, Comunidad de\"\n",
  };
}

TEST(BuiltinReferenceData, HasEveryRowOfEachTable) {
  EXPECT_EQ(Data().province_count(), 52);
  EXPECT_EQ(Data().cnae_class_count(), 629);
  EXPECT_EQ(Data().country_count(), 249);
  EXPECT_EQ(Data().language_count(), 183);
}

TEST(BuiltinReferenceData, ProvinceCarriesItsRegion) {
  const Province* madrid = Data().FindProvince("28");
  ASSERT_NE(madrid, nullptr);
  EXPECT_EQ(madrid->code, "28");
  EXPECT_EQ(madrid->name, "Madrid");
  EXPECT_EQ(madrid->region_code, "13");
  EXPECT_EQ(madrid->region_name, "Madrid, Comunidad de");
}

TEST(BuiltinReferenceData, ProvinceCodeKeepsLeadingZero) {
  const Province* alava = Data().FindProvince("01");
  ASSERT_NE(alava, nullptr);
  EXPECT_EQ(alava->name, "Araba/Álava");
  EXPECT_EQ(alava->region_name, "País Vasco");
  EXPECT_EQ(Data().FindProvince("1"), nullptr);
}

TEST(BuiltinReferenceData, UnknownProvinceIsNull) {
  EXPECT_EQ(Data().FindProvince("53"), nullptr);
  EXPECT_EQ(Data().FindProvince("00"), nullptr);
  EXPECT_EQ(Data().FindProvince("Madrid"), nullptr);
  EXPECT_EQ(Data().FindProvince(""), nullptr);
}

TEST(BuiltinReferenceData, CnaeClassCarriesItsSection) {
  const CnaeClass* banking = Data().FindCnaeClass("6419");
  ASSERT_NE(banking, nullptr);
  EXPECT_EQ(banking->code, "6419");
  EXPECT_EQ(banking->title, "Otra intermediación monetaria");
  EXPECT_EQ(banking->section_code, "K");
  EXPECT_EQ(banking->section_title, "Actividades financieras y de seguros");
}

TEST(BuiltinReferenceData, CnaeClassWithLeadingZeroFindsSectionA) {
  const CnaeClass* cereals = Data().FindCnaeClass("0111");
  ASSERT_NE(cereals, nullptr);
  EXPECT_EQ(cereals->section_code, "A");
  EXPECT_EQ(cereals->section_title,
            "Agricultura, ganadería, silvicultura y pesca");
}

TEST(BuiltinReferenceData, CorrectedSectionTitleIsUsed) {
  const CnaeClass* defence = Data().FindCnaeClass("8422");
  ASSERT_NE(defence, nullptr);
  EXPECT_EQ(defence->section_code, "O");
  EXPECT_EQ(defence->section_title,
            "Administración Pública y defensa; Seguridad Social obligatoria");
}

TEST(BuiltinReferenceData, OnlyFourDigitClassesAreFound) {
  EXPECT_EQ(Data().FindCnaeClass("K"), nullptr);
  EXPECT_EQ(Data().FindCnaeClass("64"), nullptr);
  EXPECT_EQ(Data().FindCnaeClass("641"), nullptr);
  EXPECT_EQ(Data().FindCnaeClass("64.19"), nullptr);
}

TEST(BuiltinReferenceData, CnaeOnlyCodesAreNotNaceCodes) {
  EXPECT_NE(Data().FindCnaeClass("1021"), nullptr);
  EXPECT_EQ(Data().FindCnaeClass("1020"), nullptr);
  EXPECT_EQ(Data().FindCnaeClass("9999"), nullptr);
}

TEST(BuiltinReferenceData, CountriesHaveTheirEconomicZone) {
  struct Case {
    const char* alpha2;
    const char* zone;
  };

  for (const Case& c :
       {Case{"ES", "ES"}, Case{"DE", "EU"}, Case{"NO", "EEA_EFTA"},
        Case{"CH", "EEA_EFTA"}, Case{"US", "ROW"}, Case{"GB", "ROW"}}) {
    const Country* country = Data().FindCountry(c.alpha2);
    ASSERT_NE(country, nullptr) << c.alpha2;
    EXPECT_EQ(country->economic_zone, c.zone) << c.alpha2;
  }
}

TEST(BuiltinReferenceData, CountryHasEnglishAndSpanishNames) {
  const Country* germany = Data().FindCountry("DE");
  ASSERT_NE(germany, nullptr);
  EXPECT_EQ(germany->alpha2, "DE");
  EXPECT_EQ(germany->name_en, "Germany");
  EXPECT_EQ(germany->name_es, "Alemania");
}

TEST(BuiltinReferenceData, UnknownOrLowerCaseCountryIsNull) {
  EXPECT_EQ(Data().FindCountry("XK"), nullptr);
  EXPECT_EQ(Data().FindCountry("es"), nullptr);
  EXPECT_EQ(Data().FindCountry("ESP"), nullptr);
}

TEST(BuiltinReferenceData, LanguagesAreLowerCaseIso6391) {
  EXPECT_TRUE(Data().IsLanguage("es"));
  EXPECT_TRUE(Data().IsLanguage("eu"));
  EXPECT_FALSE(Data().IsLanguage("ES"));
  EXPECT_FALSE(Data().IsLanguage("spa"));
  EXPECT_FALSE(Data().IsLanguage("bh"));
  EXPECT_FALSE(Data().IsLanguage(""));
}

TEST(BuiltinReferenceData, VersionNamesTheTablesContent) {
  // The SHA-256 of the four CSV files, concatenated in file-name order.
  EXPECT_EQ(Data().version(), "refdata-a62c05b15855");
}

TEST(ReferenceDataTables, TinyTablesParse) {
  absl::StatusOr<ReferenceData> data = ReferenceData::FromTables(TinyTables());

  ASSERT_THAT(data, IsOk());
  EXPECT_EQ(data->FindCnaeClass("6419")->section_code, "K");
  EXPECT_EQ(data->FindProvince("28")->region_name, "Madrid, Comunidad de");
  EXPECT_THAT(data->version(), MatchesRegex("refdata-[0-9a-f]{12}"));
}

TEST(ReferenceDataTables, VersionChangesWithContent) {
  TableTexts tables = TinyTables();
  const std::string before = ReferenceData::FromTables(tables)->version();
  tables.languages = "code,name_en,name_es\nes,Spanish,Castellano\n";

  EXPECT_NE(ReferenceData::FromTables(tables)->version(), before);
}

TEST(ReferenceDataTables, ClassWithoutSectionIsRefused) {
  TableTexts tables = TinyTables();
  tables.cnae2009 = "code,level,parent,title_es\n6419,class,641,Otra\n";

  EXPECT_THAT(ReferenceData::FromTables(tables),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ReferenceDataTables, CodeOfWrongShapeIsRefused) {
  TableTexts tables = TinyTables();
  tables.provinces_es =
      "province_code,province_name,region_code,region_name\n"
      "8,Barcelona,09,Cataluña\n";

  EXPECT_THAT(ReferenceData::FromTables(tables),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ReferenceDataTables, UnknownEconomicZoneIsRefused) {
  TableTexts tables = TinyTables();
  tables.countries =
      "alpha2,name_en,name_es,economic_zone\nES,Spain,España,EEA\n";

  EXPECT_THAT(ReferenceData::FromTables(tables),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(ReferenceDataTables, RepeatedCodeIsRefused) {
  TableTexts tables = TinyTables();
  tables.languages = "code,name_en,name_es\nes,Spanish,Español\nes,x,y\n";

  EXPECT_THAT(ReferenceData::FromTables(tables),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace crm::refdata
