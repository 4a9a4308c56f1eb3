#include "tools/leadctl/csv_table.h"

#include <csv.h>

#include <string>
#include <utility>

#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/strip.h>

namespace crm::leadctl {
namespace {

constexpr absl::string_view kUtf8Bom = "\xEF\xBB\xBF";

// Collects what libcsv reports through its callbacks.
struct Collector {
  CsvRecords records;
  std::vector<std::string> record;
};

void OnField(void* data, size_t size, void* collector) {
  static_cast<Collector*>(collector)->record.emplace_back(
      static_cast<const char*>(data), size);
}

void OnRecordEnd(int /*terminator*/, void* collector) {
  auto* state = static_cast<Collector*>(collector);
  state->records.push_back(std::move(state->record));
  state->record.clear();
}

// RFC 4180 keeps spaces around unquoted fields; libcsv trims them unless
// told that nothing is a space.
int NothingIsSpace(unsigned char /*c*/) { return 0; }

}  // namespace

absl::StatusOr<CsvRecords> ParseCsv(absl::string_view text) {
  absl::ConsumePrefix(&text, kUtf8Bom);
  csv_parser parser;
  if (csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI) != 0) {
    return absl::ResourceExhaustedError("cannot start the CSV parser");
  }
  csv_set_space_func(&parser, NothingIsSpace);

  Collector collector;
  const size_t parsed = csv_parse(&parser, text.data(), text.size(), OnField,
                                  OnRecordEnd, &collector);
  const bool whole = parsed == text.size() &&
                     csv_fini(&parser, OnField, OnRecordEnd, &collector) == 0;
  const int error = csv_error(&parser);
  csv_free(&parser);
  if (!whole) {
    return absl::InvalidArgumentError(absl::StrCat("malformed CSV at row ",
                                                   collector.records.size() + 1,
                                                   ": ", csv_strerror(error)));
  }
  return std::move(collector.records);
}

}  // namespace crm::leadctl
