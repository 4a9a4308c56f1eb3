#ifndef CRM_LIBS_REFDATA_REFERENCE_DATA_H_
#define CRM_LIBS_REFDATA_REFERENCE_DATA_H_

#include <cstddef>
#include <string>

#include <absl/container/flat_hash_map.h>
#include <absl/container/flat_hash_set.h>
#include <absl/status/statusor.h>
#include <absl/strings/string_view.h>

namespace crm::refdata {

// A province of Spain and the autonomous community (or autonomous city) it
// belongs to, with INE codes.
struct Province {
  std::string code;         // "28"
  std::string name;         // "Madrid"
  std::string region_code;  // "13"
  std::string region_name;  // "Madrid, Comunidad de"
};

// A CNAE-2009 class and the section it falls in.
struct CnaeClass {
  std::string code;           // "6419"
  std::string title;          // Spanish title of the class
  std::string section_code;   // "K"
  std::string section_title;  // Spanish title of the section
};

// A country or territory with an ISO 3166-1 alpha-2 code.
struct Country {
  std::string alpha2;  // "DE"
  std::string name_en;
  std::string name_es;
  // Tax area: ES, EU, EEA_EFTA or ROW. Spain's special territories are not
  // told apart here; that takes the province.
  std::string economic_zone;
};

// The CSV text of the four tables, in the format of libs/refdata/data.
struct TableTexts {
  absl::string_view cnae2009;
  absl::string_view countries;
  absl::string_view languages;
  absl::string_view provinces_es;
};

// Provinces of Spain, CNAE-2009, ISO 3166-1 countries and ISO 639-1
// languages (libs/refdata/README.md describes the tables). Lookups are by
// exact code: "28", "6419", "ES", "es". An instance never changes after it
// is made, so any number of threads may read it.
class ReferenceData {
 public:
  // The tables compiled into the library, parsed on first use. They are
  // checked by the tests, so a failure to parse them aborts the process.
  static const ReferenceData& Builtin();

  // Parses and cross-checks the four tables: headers, field counts, codes
  // of the expected shape, every CNAE class reaching a section, known
  // economic zones. INVALID_ARGUMENT names the table and row at fault.
  static absl::StatusOr<ReferenceData> FromTables(const TableTexts& tables);

  ReferenceData(ReferenceData&&) = default;
  ReferenceData& operator=(ReferenceData&&) = default;

  // The province with this two-digit INE code, or null.
  const Province* FindProvince(absl::string_view code) const;

  // The CNAE-2009 class with this four-digit code, or null (also for codes
  // of sections, divisions and groups).
  const CnaeClass* FindCnaeClass(absl::string_view code) const;

  // The country with this upper-case alpha-2 code, or null.
  const Country* FindCountry(absl::string_view alpha2) const;

  // Whether `code` is a lower-case ISO 639-1 code in the table.
  bool IsLanguage(absl::string_view code) const;

  // "refdata-" and the first 12 hex digits of the SHA-256 of the four
  // files concatenated in file-name order (cnae2009, countries, languages,
  // provinces_es): it changes exactly when a table's content does.
  const std::string& version() const { return version_; }

  size_t province_count() const { return provinces_.size(); }

  size_t cnae_class_count() const { return cnae_classes_.size(); }

  size_t country_count() const { return countries_.size(); }

  size_t language_count() const { return languages_.size(); }

 private:
  ReferenceData() = default;

  absl::flat_hash_map<std::string, Province> provinces_;
  absl::flat_hash_map<std::string, CnaeClass> cnae_classes_;
  absl::flat_hash_map<std::string, Country> countries_;
  absl::flat_hash_set<std::string> languages_;
  std::string version_;
};

}  // namespace crm::refdata

#endif  // CRM_LIBS_REFDATA_REFERENCE_DATA_H_
