#include "libs/refdata/csv_reader.h"

#include <csv.h>

#include <algorithm>
#include <utility>

#include <absl/status/status.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

namespace crm::refdata {

namespace {

// Where libcsv's callbacks put what they read.
struct Collector {
  std::vector<CsvRow> rows;
  CsvRow current;
};

void OnField(void* data, size_t size, void* collector) {
  static_cast<Collector*>(collector)->current.emplace_back(
      static_cast<const char*>(data), size);
}

void OnRowEnd(int, void* collector) {
  auto* c = static_cast<Collector*>(collector);
  c->rows.push_back(std::move(c->current));
  c->current.clear();
}

// No character counts as padding: a field keeps its spaces and tabs.
int NothingIsSpace(unsigned char) { return 0; }

absl::Status ParseError(csv_parser* parser) {
  return absl::InvalidArgumentError(
      absl::StrCat("malformed CSV: ", csv_strerror(csv_error(parser))));
}

}  // namespace

absl::StatusOr<std::vector<CsvRow>> ReadCsv(absl::string_view text) {
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    return absl::InternalError("cannot start the CSV parser");
  }
  csv_set_space_func(&parser, NothingIsSpace);
  Collector collector;
  const size_t read = csv_parse(&parser, text.data(), text.size(), OnField,
                                OnRowEnd, &collector);
  const bool complete = read == text.size() &&
                        csv_fini(&parser, OnField, OnRowEnd, &collector) == 0;
  absl::Status status = complete ? absl::OkStatus() : ParseError(&parser);
  csv_free(&parser);
  if (!status.ok()) return status;
  return std::move(collector.rows);
}

absl::StatusOr<std::vector<CsvRow>> ReadTable(
    absl::string_view table, absl::string_view text,
    const std::vector<absl::string_view>& columns) {
  absl::StatusOr<std::vector<CsvRow>> rows = ReadCsv(text);
  if (!rows.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(table, ": ", rows.status().message()));
  }
  if (rows->empty() || !std::equal(columns.begin(), columns.end(),
                                   (*rows)[0].begin(), (*rows)[0].end())) {
    return absl::InvalidArgumentError(absl::StrCat(
        table, ": the header must be ", absl::StrJoin(columns, ",")));
  }
  for (size_t i = 1; i < rows->size(); ++i) {
    if ((*rows)[i].size() != columns.size()) {
      return absl::InvalidArgumentError(absl::StrCat(
          table, ": row ", i + 1, " must have ", columns.size(), " fields"));
    }
  }
  rows->erase(rows->begin());
  return rows;
}

}  // namespace crm::refdata
