#include "libs/store/lead_stats.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <absl/time/time.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace crm::store {
namespace {

using ::crm::leads::v1::GetLeadStatsRequest;
using ::crm::leads::v1::GetLeadStatsResponse;
using ::crm::leads::v1::Lead;
using ::crm::testing::IsOk;
using ::crm::testing::StatusIs;
using ::google::protobuf::Timestamp;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

// How far a median read from the histogram may be from the exact one: half
// a bucket on a logarithmic scale, plus rounding.
const double kMedianTolerance = std::exp2(1.0 / 16) - 1 + 1e-9;

Timestamp ToTimestamp(absl::Time time) {
  Timestamp timestamp;
  timestamp.set_seconds(absl::ToUnixSeconds(time));
  timestamp.set_nanos(
      static_cast<int32_t>((time - absl::FromUnixSeconds(timestamp.seconds())) /
                           absl::Nanoseconds(1)));
  return timestamp;
}

// An RFC 3339 time ("2024-04-01T10:00:00+02:00").
absl::Time At(const std::string& text) {
  absl::Time time;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, text, &time, &error))
      << text << ": " << error;
  return time;
}

// A lead as the fold leaves it after creation.
Lead NewLead(absl::Time created, const std::string& status = "new") {
  Lead lead;
  lead.set_id("lead");
  lead.set_version(1);
  *lead.mutable_created_at() = ToTimestamp(created);
  *lead.mutable_status_changed_at() = ToTimestamp(created);
  lead.set_status(status);
  lead.set_status_category(leads::v1::STATUS_CATEGORY_OPEN);
  lead.set_source("web");
  lead.set_agent("ana");
  lead.set_source_campaign("spring");
  return lead;
}

// `lead` after an event at `at` that moves it to `status`.
Lead InStatus(Lead lead, const std::string& status, absl::Time at) {
  lead.set_version(lead.version() + 1);
  if (lead.status() != status) {
    *lead.mutable_status_changed_at() = ToTimestamp(at);
  }
  lead.set_status(status);
  return lead;
}

Lead Qualified(const Lead& lead, absl::Time at) {
  Lead qualified = InStatus(lead, "won", at);
  qualified.set_status_category(leads::v1::STATUS_CATEGORY_QUALIFIED);
  *qualified.mutable_qualification()->mutable_qualified_at() = ToTimestamp(at);
  return qualified;
}

Lead Reactivated(const Lead& lead, absl::Time at) {
  Lead reactivated = InStatus(lead, "reopened", at);
  reactivated.set_status_category(leads::v1::STATUS_CATEGORY_OPEN);
  reactivated.clear_qualification();
  return reactivated;
}

GetLeadStatsRequest Period(const std::string& from, const std::string& to) {
  GetLeadStatsRequest request;
  if (!from.empty()) *request.mutable_from() = ToTimestamp(At(from));
  if (!to.empty()) *request.mutable_to() = ToTimestamp(At(to));
  return request;
}

GetLeadStatsRequest GroupBy(leads::v1::StatsGroup group) {
  GetLeadStatsRequest request;
  request.set_group_by(group);
  return request;
}

// The median of `values`, as the mean of the two central ones for an even
// number of them.
double ExactMedian(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return (values[(n - 1) / 2] + values[n / 2]) / 2;
}

class LeadStatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto model = ReadModel::Open(dir_.path());
    ASSERT_THAT(model, IsOk());
    model_ = *std::move(model);
  }

  // Stages and commits the change from `before` (null: none) to `after`.
  void Apply(const Lead* before, const Lead& after) {
    ReadModelBatch batch = model_->NewBatch();
    StageStatsChanges(&batch, before, after);
    ASSERT_THAT(model_->Commit(batch), IsOk());
  }

  // Applies the lead's versions in order, each in its own batch.
  void ApplyAll(const std::vector<Lead>& versions) {
    for (size_t i = 0; i < versions.size(); ++i) {
      Apply(i == 0 ? nullptr : &versions[i - 1], versions[i]);
    }
  }

  GetLeadStatsResponse Stats(
      const GetLeadStatsRequest& request = GetLeadStatsRequest()) {
    absl::StatusOr<GetLeadStatsResponse> stats = ComputeStats(*model_, request);
    EXPECT_THAT(stats, IsOk());
    return stats.value_or(GetLeadStatsResponse());
  }

  crm::testing::TempDir dir_;
  std::unique_ptr<ReadModel> model_;
};

// 2024-04-10T10:00:00+02:00.
constexpr absl::Time kCreated = absl::FromUnixSeconds(1712736000);

TEST_F(LeadStatsTest, NewLeadCountsUnderEachOfItsValues) {
  Apply(nullptr, NewLead(kCreated));

  EXPECT_EQ(Stats().created(), 1);
  EXPECT_THAT(Stats(GroupBy(leads::v1::STATS_GROUP_STATUS)).counts(),
              UnorderedElementsAre(Pair("new", 1)));
  EXPECT_THAT(Stats(GroupBy(leads::v1::STATS_GROUP_SOURCE)).counts(),
              UnorderedElementsAre(Pair("web", 1)));
  EXPECT_THAT(Stats(GroupBy(leads::v1::STATS_GROUP_AGENT)).counts(),
              UnorderedElementsAre(Pair("ana", 1)));
  EXPECT_THAT(Stats(GroupBy(leads::v1::STATS_GROUP_CAMPAIGN)).counts(),
              UnorderedElementsAre(Pair("spring", 1)));
}

TEST_F(LeadStatsTest, DefaultGroupingIsStatus) {
  Apply(nullptr, NewLead(kCreated, "new"));

  EXPECT_THAT(Stats().counts(), UnorderedElementsAre(Pair("new", 1)));
}

TEST_F(LeadStatsTest, LeadWithoutValueCountsUnderEmptyText) {
  Lead lead = NewLead(kCreated);
  lead.clear_agent();
  Apply(nullptr, lead);

  EXPECT_THAT(Stats(GroupBy(leads::v1::STATS_GROUP_AGENT)).counts(),
              UnorderedElementsAre(Pair("", 1)));
}

TEST_F(LeadStatsTest, StatusChangeMovesLeadToTheNewStatus) {
  const Lead created = NewLead(kCreated, "new");
  ApplyAll(
      {created, InStatus(created, "contacted", kCreated + absl::Hours(1))});

  EXPECT_THAT(Stats().counts(), UnorderedElementsAre(Pair("contacted", 1)));
  EXPECT_EQ(Stats().created(), 1);
}

TEST_F(LeadStatsTest, AgentChangeMovesLeadToTheNewAgent) {
  const Lead created = NewLead(kCreated);
  Lead reassigned = created;
  reassigned.set_version(2);
  reassigned.set_agent("bea");
  ApplyAll({created, reassigned});

  EXPECT_THAT(Stats(GroupBy(leads::v1::STATS_GROUP_AGENT)).counts(),
              UnorderedElementsAre(Pair("bea", 1)));
}

TEST_F(LeadStatsTest, SourceAndCampaignChangesMoveLead) {
  const Lead created = NewLead(kCreated);
  Lead changed = created;
  changed.set_version(2);
  changed.set_source("fair");
  changed.set_source_campaign("autumn");
  ApplyAll({created, changed});

  EXPECT_THAT(Stats(GroupBy(leads::v1::STATS_GROUP_SOURCE)).counts(),
              UnorderedElementsAre(Pair("fair", 1)));
  EXPECT_THAT(Stats(GroupBy(leads::v1::STATS_GROUP_CAMPAIGN)).counts(),
              UnorderedElementsAre(Pair("autumn", 1)));
}

TEST_F(LeadStatsTest, QualificationCountsLeadAsQualified) {
  const Lead first = NewLead(kCreated);
  ApplyAll({first, Qualified(first, kCreated + absl::Hours(5))});
  Apply(nullptr, NewLead(kCreated));

  const GetLeadStatsResponse stats = Stats();
  EXPECT_EQ(stats.created(), 2);
  EXPECT_EQ(stats.qualified(), 1);
  EXPECT_DOUBLE_EQ(stats.conversion_rate(), 0.5);
  EXPECT_THAT(stats.counts(),
              UnorderedElementsAre(Pair("won", 1), Pair("new", 1)));
}

TEST_F(LeadStatsTest, ReactivationUncountsQualification) {
  const Lead created = NewLead(kCreated);
  const Lead qualified = Qualified(created, kCreated + absl::Hours(5));
  ApplyAll(
      {created, qualified, Reactivated(qualified, kCreated + absl::Hours(8))});

  const GetLeadStatsResponse stats = Stats();
  EXPECT_EQ(stats.created(), 1);
  EXPECT_EQ(stats.qualified(), 0);
  EXPECT_EQ(stats.conversion_rate(), 0);
  EXPECT_EQ(stats.median_seconds_to_qualify(), 0);
  EXPECT_THAT(stats.counts(), UnorderedElementsAre(Pair("reopened", 1)));
}

TEST_F(LeadStatsTest, RequalificationCountsLeadOnceWithItsNewTime) {
  const Lead created = NewLead(kCreated);
  const Lead qualified = Qualified(created, kCreated + absl::Hours(5));
  const Lead reactivated = Reactivated(qualified, kCreated + absl::Hours(8));
  ApplyAll({created, qualified, reactivated,
            Qualified(reactivated, kCreated + absl::Hours(100))});

  const GetLeadStatsResponse stats = Stats();
  EXPECT_EQ(stats.qualified(), 1);
  EXPECT_NEAR(stats.median_seconds_to_qualify(), 100 * 3600.0,
              100 * 3600.0 * kMedianTolerance);
}

TEST_F(LeadStatsTest, NoLeadsGiveZeroConversion) {
  const GetLeadStatsResponse stats = Stats();

  EXPECT_EQ(stats.created(), 0);
  EXPECT_EQ(stats.conversion_rate(), 0);
  EXPECT_EQ(stats.median_seconds_to_qualify(), 0);
  EXPECT_THAT(stats.counts(), IsEmpty());
  EXPECT_THAT(stats.time_in_status(), IsEmpty());
}

TEST_F(LeadStatsTest, ReportsHistogramResolution) {
  EXPECT_DOUBLE_EQ(Stats().histogram_resolution(), std::exp2(1.0 / 8) - 1);
}

TEST_F(LeadStatsTest, MedianToQualifyOfOneLeadIsItsTime) {
  const Lead created = NewLead(kCreated);
  ApplyAll({created, Qualified(created, kCreated + absl::Hours(72))});

  EXPECT_NEAR(Stats().median_seconds_to_qualify(), 72 * 3600.0,
              72 * 3600.0 * kMedianTolerance);
}

TEST_F(LeadStatsTest, LeavingStatusRecordsTheStay) {
  const Lead created = NewLead(kCreated, "new");
  ApplyAll(
      {created, InStatus(created, "contacted", kCreated + absl::Hours(2))});

  const GetLeadStatsResponse stats = Stats();
  ASSERT_EQ(stats.time_in_status().size(), 1);
  const leads::v1::StatusTime& stay = stats.time_in_status().at("new");
  EXPECT_EQ(stay.stays(), 1);
  EXPECT_DOUBLE_EQ(stay.mean_seconds(), 7200);
  EXPECT_NEAR(stay.median_seconds(), 7200, 7200 * kMedianTolerance);
}

TEST_F(LeadStatsTest, StaysOfSeveralLeadsAverage) {
  for (int hours : {1, 3}) {
    const Lead created = NewLead(kCreated, "new");
    ApplyAll({created,
              InStatus(created, "contacted", kCreated + absl::Hours(hours))});
  }

  const leads::v1::StatusTime& stay = Stats().time_in_status().at("new");
  EXPECT_EQ(stay.stays(), 2);
  EXPECT_DOUBLE_EQ(stay.mean_seconds(), 2 * 3600);
}

TEST_F(LeadStatsTest, ChangeKeepingStatusRecordsNoStay) {
  const Lead created = NewLead(kCreated);
  Lead renamed = created;
  renamed.set_version(2);
  renamed.set_name("ACME");
  ApplyAll({created, renamed});

  EXPECT_THAT(Stats().time_in_status(), IsEmpty());
  EXPECT_THAT(Stats().counts(), UnorderedElementsAre(Pair("new", 1)));
}

TEST_F(LeadStatsTest, SeveralChangesOfOneLeadInOneBatch) {
  const Lead created = NewLead(kCreated, "new");
  const Lead contacted =
      InStatus(created, "contacted", kCreated + absl::Minutes(30));
  const Lead qualified = Qualified(contacted, kCreated + absl::Hours(2));
  ReadModelBatch batch = model_->NewBatch();
  StageStatsChanges(&batch, nullptr, created);
  StageStatsChanges(&batch, &created, contacted);
  StageStatsChanges(&batch, &contacted, qualified);
  ASSERT_THAT(model_->Commit(batch), IsOk());

  const GetLeadStatsResponse stats = Stats();
  EXPECT_EQ(stats.created(), 1);
  EXPECT_EQ(stats.qualified(), 1);
  EXPECT_THAT(stats.counts(), UnorderedElementsAre(Pair("won", 1)));
  EXPECT_DOUBLE_EQ(stats.time_in_status().at("new").mean_seconds(), 1800);
  EXPECT_DOUBLE_EQ(stats.time_in_status().at("contacted").mean_seconds(), 5400);
}

TEST_F(LeadStatsTest, LateUtcEveningOfMarch31IsApril1InMadridSummerTime) {
  Apply(nullptr, NewLead(At("2024-03-31T23:30:00Z")));

  EXPECT_EQ(
      Stats(Period("2024-04-01T00:00:00+02:00", "2024-04-02T00:00:00+02:00"))
          .created(),
      1);
  EXPECT_EQ(
      Stats(Period("2024-03-31T00:00:00+01:00", "2024-04-01T00:00:00+02:00"))
          .created(),
      0);
}

TEST_F(LeadStatsTest, LastSecondBeforeMadridMidnightStaysOnItsDay) {
  Apply(nullptr, NewLead(At("2024-03-31T21:59:59Z")));

  EXPECT_EQ(
      Stats(Period("2024-03-31T00:00:00+01:00", "2024-04-01T00:00:00+02:00"))
          .created(),
      1);
}

TEST_F(LeadStatsTest, LateUtcEveningInWinterIsNextDayInMadrid) {
  Apply(nullptr, NewLead(At("2024-01-15T23:00:00Z")));

  EXPECT_EQ(
      Stats(Period("2024-01-16T00:00:00+01:00", "2024-01-17T00:00:00+01:00"))
          .created(),
      1);
}

TEST_F(LeadStatsTest, PeriodCountsOnlyItsDays) {
  for (const char* day : {"2024-04-01", "2024-04-02", "2024-04-03"}) {
    Apply(nullptr, NewLead(At(std::string(day) + "T12:00:00+02:00")));
  }

  EXPECT_EQ(
      Stats(Period("2024-04-02T00:00:00+02:00", "2024-04-03T00:00:00+02:00"))
          .created(),
      1);
  EXPECT_EQ(Stats(Period("2024-04-02T00:00:00+02:00", "")).created(), 2);
  EXPECT_EQ(Stats(Period("", "2024-04-02T00:00:00+02:00")).created(), 1);
}

TEST_F(LeadStatsTest, PeriodStartingInsideADayLeavesThatDayOut) {
  Apply(nullptr, NewLead(At("2024-04-01T12:00:00+02:00")));
  Apply(nullptr, NewLead(At("2024-04-02T12:00:00+02:00")));

  EXPECT_EQ(
      Stats(Period("2024-04-01T10:00:00+02:00", "2024-04-03T00:00:00+02:00"))
          .created(),
      1);
}

TEST_F(LeadStatsTest, PeriodEndingInsideADayIncludesThatDay) {
  Apply(nullptr, NewLead(At("2024-04-01T12:00:00+02:00")));

  EXPECT_EQ(
      Stats(Period("2024-04-01T00:00:00+02:00", "2024-04-01T10:00:00+02:00"))
          .created(),
      1);
}

TEST_F(LeadStatsTest, OpenPeriodCoversEveryDay) {
  Apply(nullptr, NewLead(At("1965-06-01T12:00:00+01:00")));
  Apply(nullptr, NewLead(At("2031-06-01T12:00:00+02:00")));

  EXPECT_EQ(Stats().created(), 2);
}

TEST_F(LeadStatsTest, EmptyPeriodGivesZeros) {
  Apply(nullptr, NewLead(kCreated));

  EXPECT_EQ(
      Stats(Period("2024-04-11T00:00:00+02:00", "2024-04-10T00:00:00+02:00"))
          .created(),
      0);
}

TEST_F(LeadStatsTest, UnknownGroupingIsInvalid) {
  GetLeadStatsRequest request;
  request.set_group_by(static_cast<leads::v1::StatsGroup>(99));

  EXPECT_THAT(ComputeStats(*model_, request),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(LeadStatsTest, MedianToQualifyIsWithinResolutionOfExactMedian) {
  std::mt19937_64 random(7);
  std::uniform_int_distribution<int64_t> created_offset(0, 30 * 86400);
  // Times to qualify from a minute to 90 days, spread evenly in log scale.
  std::uniform_real_distribution<double> log_millis(std::log(60e3),
                                                    std::log(90 * 86400e3));
  std::vector<double> seconds;
  ReadModelBatch batch = model_->NewBatch();
  for (int i = 0; i < 3001; ++i) {
    const absl::Time created =
        At("2024-04-01T00:00:00+02:00") + absl::Seconds(created_offset(random));
    const int64_t millis = std::llround(std::exp(log_millis(random)));
    const Lead lead = NewLead(created);
    const Lead qualified =
        Qualified(lead, created + absl::Milliseconds(millis));
    StageStatsChanges(&batch, nullptr, lead);
    StageStatsChanges(&batch, &lead, qualified);
    seconds.push_back(millis / 1000.0);
  }
  ASSERT_THAT(model_->Commit(batch), IsOk());

  const double exact = ExactMedian(seconds);
  EXPECT_EQ(Stats().qualified(), 3001);
  EXPECT_NEAR(Stats().median_seconds_to_qualify(), exact,
              exact * kMedianTolerance);
}

TEST_F(LeadStatsTest, MedianStayIsWithinResolutionOfExactMedian) {
  std::mt19937_64 random(11);
  // Stays from a second to a year, spread evenly in log scale.
  std::uniform_real_distribution<double> log_millis(std::log(1e3),
                                                    std::log(365 * 86400e3));
  std::vector<double> seconds;
  ReadModelBatch batch = model_->NewBatch();
  for (int i = 0; i < 3000; ++i) {
    const int64_t millis = std::llround(std::exp(log_millis(random)));
    const Lead lead = NewLead(kCreated, "new");
    const Lead contacted =
        InStatus(lead, "contacted", kCreated + absl::Milliseconds(millis));
    StageStatsChanges(&batch, nullptr, lead);
    StageStatsChanges(&batch, &lead, contacted);
    seconds.push_back(millis / 1000.0);
  }
  ASSERT_THAT(model_->Commit(batch), IsOk());

  const double exact = ExactMedian(seconds);
  const leads::v1::StatusTime stay = Stats().time_in_status().at("new");
  EXPECT_EQ(stay.stays(), 3000);
  EXPECT_NEAR(stay.median_seconds(), exact, exact * kMedianTolerance);
}

}  // namespace
}  // namespace crm::store
