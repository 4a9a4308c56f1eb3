#ifndef CRM_LIBS_REFDATA_EMBEDDED_TABLES_H_
#define CRM_LIBS_REFDATA_EMBEDDED_TABLES_H_

#include "libs/refdata/reference_data.h"

namespace crm::refdata {

// The text of libs/refdata/data/*.csv as it was when the library was built.
const TableTexts& EmbeddedTables();

}  // namespace crm::refdata

#endif  // CRM_LIBS_REFDATA_EMBEDDED_TABLES_H_
