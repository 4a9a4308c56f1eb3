#ifndef CRM_LIBS_REFDATA_CSV_READER_H_
#define CRM_LIBS_REFDATA_CSV_READER_H_

#include <string>
#include <vector>

#include <absl/status/statusor.h>
#include <absl/strings/string_view.h>

namespace crm::refdata {

using CsvRow = std::vector<std::string>;

// The rows of RFC 4180 text: comma-separated, fields optionally quoted (a
// quoted field may hold commas, doubled quotes and line breaks), rows ended
// by LF or CRLF. Malformed quoting is INVALID_ARGUMENT. Surrounding spaces
// of a field are kept.
absl::StatusOr<std::vector<CsvRow>> ReadCsv(absl::string_view text);

// The rows after the header of a table whose header must equal `columns`,
// every row having exactly that many fields. `table` names the table in
// error messages.
absl::StatusOr<std::vector<CsvRow>> ReadTable(
    absl::string_view table, absl::string_view text,
    const std::vector<absl::string_view>& columns);

}  // namespace crm::refdata

#endif  // CRM_LIBS_REFDATA_CSV_READER_H_
