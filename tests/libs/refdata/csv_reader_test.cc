#include "libs/refdata/csv_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"

namespace crm::refdata {
namespace {

using ::crm::testing::IsOk;
using ::crm::testing::StatusIs;
using ::testing::ElementsAre;

TEST(CsvReader, QuotedFieldsKeepCommasQuotesAndLineBreaks) {
  absl::StatusOr<std::vector<CsvRow>> rows =
      ReadCsv("a,\"b, c\",\"say \"\"hi\"\"\"\n\"two\nlines\",,x\n");

  ASSERT_THAT(rows, IsOk());
  EXPECT_THAT(*rows, ElementsAre(ElementsAre("a", "b, c", "say \"hi\""),
                                 ElementsAre("two\nlines", "", "x")));
}

TEST(CsvReader, CrlfAndMissingFinalLineEndAreAccepted) {
  absl::StatusOr<std::vector<CsvRow>> rows = ReadCsv("a,b\r\n c ,d");

  ASSERT_THAT(rows, IsOk());
  EXPECT_THAT(*rows,
              ElementsAre(ElementsAre("a", "b"), ElementsAre(" c ", "d")));
}

TEST(CsvReader, UnclosedQuoteIsRefused) {
  EXPECT_THAT(ReadCsv("a,\"b\n"), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CsvTable, HeaderIsDroppedAfterItIsChecked) {
  absl::StatusOr<std::vector<CsvRow>> rows =
      ReadTable("t", "code,name\n01,One\n", {"code", "name"});

  ASSERT_THAT(rows, IsOk());
  EXPECT_THAT(*rows, ElementsAre(ElementsAre("01", "One")));
}

TEST(CsvTable, WrongHeaderIsRefused) {
  EXPECT_THAT(ReadTable("t", "code,title\n01,One\n", {"code", "name"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(CsvTable, RowWithMissingFieldIsRefused) {
  EXPECT_THAT(ReadTable("t", "code,name\n01\n", {"code", "name"}),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace crm::refdata
