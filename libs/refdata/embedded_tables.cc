#include "libs/refdata/embedded_tables.h"

namespace crm::embedded {

// Generated from libs/refdata/data/*.csv by crm_embed_text.
extern const char kRefdataCnae2009Csv[];
extern const char kRefdataCountriesCsv[];
extern const char kRefdataLanguagesCsv[];
extern const char kRefdataProvincesEsCsv[];

}  // namespace crm::embedded

namespace crm::refdata {

const TableTexts& EmbeddedTables() {
  static const TableTexts kTables = {
      .cnae2009 = embedded::kRefdataCnae2009Csv,
      .countries = embedded::kRefdataCountriesCsv,
      .languages = embedded::kRefdataLanguagesCsv,
      .provinces_es = embedded::kRefdataProvincesEsCsv,
  };
  return kTables;
}

}  // namespace crm::refdata
