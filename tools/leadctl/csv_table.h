#ifndef CRM_TOOLS_LEADCTL_CSV_TABLE_H_
#define CRM_TOOLS_LEADCTL_CSV_TABLE_H_

#include <string>
#include <vector>

#include <absl/status/statusor.h>
#include <absl/strings/string_view.h>

namespace crm::leadctl {

// The records of a CSV text, each a list of fields.
using CsvRecords = std::vector<std::vector<std::string>>;

// Parses `text` as RFC 4180 CSV: comma separators, double-quoted fields that
// may hold commas, doubled quotes and line breaks, records ending in CRLF or
// LF. Spaces are part of the fields; blank lines are skipped. A leading
// UTF-8 byte order mark is dropped. INVALID_ARGUMENT for malformed quoting.
absl::StatusOr<CsvRecords> ParseCsv(absl::string_view text);

}  // namespace crm::leadctl

#endif  // CRM_TOOLS_LEADCTL_CSV_TABLE_H_
