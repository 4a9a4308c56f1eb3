#include "libs/store/lead_stats.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include <absl/base/internal/endian.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/string_view.h>
#include <absl/time/civil_time.h>
#include <absl/time/time.h>

namespace crm::store {

namespace {

using ::crm::leads::v1::GetLeadStatsRequest;
using ::crm::leads::v1::GetLeadStatsResponse;
using ::crm::leads::v1::Lead;
using ::crm::leads::v1::StatsGroup;
using ::google::protobuf::Timestamp;

// Tags that follow the 4-byte day at the start of every key.
constexpr char kCreatedTag = 'C';           // leads created
constexpr char kQualifiedTag = 'Q';         // of those, qualified now
constexpr char kGroupTag = 'G';             // + group tag + value
constexpr char kQualifyHistogramTag = 'H';  // + bucket (2 bytes)
constexpr char kStaysTag = 'N';             // + status
constexpr char kStayMillisTag = 'M';        // + status
constexpr char kStayHistogramTag = 'B';     // + bucket (2 bytes) + status

// Group tags, after kGroupTag.
constexpr char kSourceGroup = 's';
constexpr char kStatusGroup = 't';
constexpr char kAgentGroup = 'a';
constexpr char kCampaignGroup = 'c';

constexpr size_t kDayBytes = 4;
constexpr size_t kBucketBytes = 2;
// Added to day numbers so that days before 1970 sort first.
constexpr int64_t kDayBias = int64_t{1} << 31;

// Buckets per doubling of a duration.
constexpr int kSubBuckets = 8;
// 2^(k/8) for k = 1..7: where the sub-buckets of a doubling start.
constexpr double kSubBucketStarts[kSubBuckets - 1] = {
    1.0905077326652577, 1.189207115002721,  1.2968395546510096,
    1.4142135623730951, 1.5422108254079407, 1.681792830507429,
    1.8340080864093424};

using Histogram = std::map<int, int64_t>;
// Counter deltas of one change, by key, before they are staged.
using Deltas = std::map<std::string, int64_t>;

const absl::TimeZone& Madrid() {
  static const absl::TimeZone zone = [] {
    absl::TimeZone loaded;
    if (!absl::LoadTimeZone("Europe/Madrid", &loaded)) {
      std::fprintf(stderr,
                   "lead stats: time zone Europe/Madrid is not installed\n");
      std::abort();
    }
    return loaded;
  }();
  return zone;
}

absl::Time ToTime(const Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

// Days since 1970-01-01 of the Madrid calendar day holding `time`.
int64_t MadridDay(absl::Time time) {
  return absl::ToCivilDay(time, Madrid()) - absl::CivilDay(1970, 1, 1);
}

// The first day whose start (Madrid midnight) is at or after `time`.
int64_t FirstDayStartingFrom(absl::Time time) {
  const absl::CivilDay day = absl::ToCivilDay(time, Madrid());
  const bool at_start = absl::FromCivil(day, Madrid()) >= time;
  return (at_start ? day : day + 1) - absl::CivilDay(1970, 1, 1);
}

std::string DayKey(int64_t day) {
  const int64_t biased = std::clamp<int64_t>(day + kDayBias, 0, UINT32_MAX);
  std::string key(kDayBytes, '\0');
  absl::big_endian::Store32(key.data(), static_cast<uint32_t>(biased));
  return key;
}

std::string BucketBytes(int bucket) {
  std::string bytes(kBucketBytes, '\0');
  absl::big_endian::Store16(bytes.data(), static_cast<uint16_t>(bucket));
  return bytes;
}

// Bucket 0 holds durations under 1 ms; bucket b >= 1 holds
// [2^((b-1)/8), 2^(b/8)) ms. Integer arithmetic and fixed bounds make the
// bucket of a duration the same on every machine, so that a later -1 finds
// the +1 it undoes.
int BucketOf(int64_t millis) {
  if (millis < 1) return 0;
  const int doubling = std::bit_width(static_cast<uint64_t>(millis)) - 1;
  const double fraction = std::ldexp(static_cast<double>(millis), -doubling);
  const int sub =
      static_cast<int>(std::upper_bound(std::begin(kSubBucketStarts),
                                        std::end(kSubBucketStarts), fraction) -
                       std::begin(kSubBucketStarts));
  return 1 + kSubBuckets * doubling + sub;
}

// The geometric middle of a bucket, in milliseconds.
double BucketMiddleMillis(int bucket) {
  if (bucket == 0) return 0;
  return std::exp2((bucket - 0.5) / kSubBuckets);
}

int64_t MillisBetween(const Timestamp& start, const Timestamp& end) {
  const int64_t millis = absl::ToInt64Milliseconds(ToTime(end) - ToTime(start));
  return std::max<int64_t>(millis, 0);
}

// The key of a counter: the day, a tag, then the tag's parts.
std::string Key(absl::string_view day, char tag, absl::string_view part = "",
                absl::string_view more = "") {
  std::string key(day);
  key.push_back(tag);
  absl::StrAppend(&key, part, more);
  return key;
}

// Adds `sign` to every counter that the lead's current values stand for.
void AddStateDeltas(const Lead& lead, int64_t sign, Deltas& deltas) {
  const std::string day = DayKey(MadridDay(ToTime(lead.created_at())));
  deltas[Key(day, kCreatedTag)] += sign;
  const std::pair<char, const std::string*> groups[] = {
      {kSourceGroup, &lead.source()},
      {kStatusGroup, &lead.status()},
      {kAgentGroup, &lead.agent()},
      {kCampaignGroup, &lead.source_campaign()}};
  for (const auto& [group, value] : groups) {
    deltas[Key(day, kGroupTag, absl::string_view(&group, 1), *value)] += sign;
  }
  if (lead.status_category() != leads::v1::STATUS_CATEGORY_QUALIFIED) return;
  deltas[Key(day, kQualifiedTag)] += sign;
  const int bucket = BucketOf(
      MillisBetween(lead.created_at(), lead.qualification().qualified_at()));
  deltas[Key(day, kQualifyHistogramTag, BucketBytes(bucket))] += sign;
}

// Records the stay in `before`'s status that the change ends, if any.
void AddStayDeltas(const Lead& before, const Lead& after, Deltas& deltas) {
  if (before.status() == after.status()) return;
  const Timestamp& entered = before.has_status_changed_at()
                                 ? before.status_changed_at()
                                 : before.created_at();
  const int64_t millis = MillisBetween(entered, after.status_changed_at());
  const std::string day = DayKey(MadridDay(ToTime(after.created_at())));
  const std::string& status = before.status();
  deltas[Key(day, kStaysTag, status)] += 1;
  deltas[Key(day, kStayMillisTag, status)] += millis;
  deltas[Key(day, kStayHistogramTag, BucketBytes(BucketOf(millis)), status)] +=
      1;
}

}  // namespace

void StageStatsChanges(ReadModelBatch* batch, const Lead* before,
                       const Lead& after) {
  Deltas deltas;
  if (before != nullptr) {
    AddStateDeltas(*before, -1, deltas);
    AddStayDeltas(*before, after, deltas);
  }
  AddStateDeltas(after, +1, deltas);
  // Unchanged values cancel out; only what moved is written.
  for (const auto& [key, delta] : deltas) {
    if (delta != 0) batch->Add(Family::kStats, key, delta);
  }
}

namespace {

struct StayTotals {
  int64_t stays = 0;
  int64_t millis = 0;
  Histogram histogram;
};

// The sums of the day buckets of a period.
struct Totals {
  int64_t created = 0;
  int64_t qualified = 0;
  std::map<std::string, int64_t> counts;
  Histogram to_qualify;
  std::map<std::string, StayTotals> stays;
};

absl::StatusOr<char> GroupTagOf(StatsGroup group) {
  switch (group) {
    case leads::v1::STATS_GROUP_UNSPECIFIED:
    case leads::v1::STATS_GROUP_STATUS:
      return kStatusGroup;
    case leads::v1::STATS_GROUP_SOURCE:
      return kSourceGroup;
    case leads::v1::STATS_GROUP_AGENT:
      return kAgentGroup;
    case leads::v1::STATS_GROUP_CAMPAIGN:
      return kCampaignGroup;
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("group_by: unknown grouping ", static_cast<int>(group)));
  }
}

// Counters are 8-byte little-endian integers (see ReadModelBatch::Add).
int64_t DecodeCount(const rocksdb::Slice& value) {
  if (value.size() != 8) return 0;
  return static_cast<int64_t>(absl::little_endian::Load64(value.data()));
}

int BucketAt(absl::string_view rest) {
  if (rest.size() < kBucketBytes) return 0;
  return absl::big_endian::Load16(rest.data());
}

// Adds one counter (its key without the day) to `totals`.
void AddCounter(absl::string_view key, int64_t count, char group,
                Totals& totals) {
  if (key.empty()) return;
  const absl::string_view rest = key.substr(1);
  switch (key[0]) {
    case kCreatedTag:
      totals.created += count;
      break;
    case kQualifiedTag:
      totals.qualified += count;
      break;
    case kGroupTag:
      if (!rest.empty() && rest[0] == group) {
        totals.counts[std::string(rest.substr(1))] += count;
      }
      break;
    case kQualifyHistogramTag:
      totals.to_qualify[BucketAt(rest)] += count;
      break;
    case kStaysTag:
      totals.stays[std::string(rest)].stays += count;
      break;
    case kStayMillisTag:
      totals.stays[std::string(rest)].millis += count;
      break;
    case kStayHistogramTag:
      if (rest.size() < kBucketBytes) break;
      totals.stays[std::string(rest.substr(kBucketBytes))]
          .histogram[BucketAt(rest)] += count;
      break;
  }
}

// Sums the counters of the days in [first_day, end_day); either bound may
// be open.
absl::StatusOr<Totals> SumDays(const ReadModel& model,
                               std::optional<int64_t> first_day,
                               std::optional<int64_t> end_day, char group) {
  const std::string start = first_day ? DayKey(*first_day) : "";
  const std::string end = end_day ? DayKey(*end_day) : "";
  const rocksdb::Slice end_slice(end.data(), end.size());
  Totals totals;
  std::unique_ptr<rocksdb::Iterator> it = model.NewIterator(Family::kStats);
  for (it->Seek(rocksdb::Slice(start.data(), start.size())); it->Valid();
       it->Next()) {
    const rocksdb::Slice key = it->key();
    if (end_day && key.compare(end_slice) >= 0) break;
    if (key.size() <= kDayBytes) continue;
    AddCounter(
        absl::string_view(key.data() + kDayBytes, key.size() - kDayBytes),
        DecodeCount(it->value()), group, totals);
  }
  if (!it->status().ok()) {
    return absl::UnavailableError(absl::StrCat(
        "read model: while reading indicators: ", it->status().ToString()));
  }
  return totals;
}

// The middle of the bucket holding the value of 0-based `rank`.
double MiddleAtRank(const Histogram& histogram, int64_t rank) {
  int64_t seen = 0;
  for (const auto& [bucket, count] : histogram) {
    seen += std::max<int64_t>(count, 0);
    if (rank < seen) return BucketMiddleMillis(bucket);
  }
  return 0;
}

// The median in seconds, as the middle of its bucket (for an even number
// of values, the mean of the middles of the two central ones); 0 when
// empty.
double MedianSeconds(const Histogram& histogram) {
  int64_t values = 0;
  for (const auto& [bucket, count] : histogram) {
    values += std::max<int64_t>(count, 0);
  }
  if (values == 0) return 0;
  const double millis = (MiddleAtRank(histogram, (values - 1) / 2) +
                         MiddleAtRank(histogram, values / 2)) /
                        2;
  return millis / 1000;
}

GetLeadStatsResponse ToResponse(const Totals& totals) {
  GetLeadStatsResponse response;
  for (const auto& [value, count] : totals.counts) {
    if (count != 0) (*response.mutable_counts())[value] = count;
  }
  response.set_created(totals.created);
  response.set_qualified(totals.qualified);
  response.set_conversion_rate(totals.created > 0
                                   ? static_cast<double>(totals.qualified) /
                                         totals.created
                                   : 0);
  response.set_median_seconds_to_qualify(MedianSeconds(totals.to_qualify));
  response.set_histogram_resolution(kHistogramResolution);
  for (const auto& [status, stay] : totals.stays) {
    if (stay.stays <= 0) continue;
    leads::v1::StatusTime& time = (*response.mutable_time_in_status())[status];
    time.set_stays(stay.stays);
    time.set_mean_seconds(static_cast<double>(stay.millis) / stay.stays / 1000);
    time.set_median_seconds(MedianSeconds(stay.histogram));
  }
  return response;
}

}  // namespace

absl::StatusOr<GetLeadStatsResponse> ComputeStats(
    const ReadModel& model, const GetLeadStatsRequest& request) {
  absl::StatusOr<char> group = GroupTagOf(request.group_by());
  if (!group.ok()) return group.status();
  std::optional<int64_t> first_day;
  std::optional<int64_t> end_day;
  if (request.has_from())
    first_day = FirstDayStartingFrom(ToTime(request.from()));
  if (request.has_to()) end_day = FirstDayStartingFrom(ToTime(request.to()));
  if (first_day && end_day && *first_day >= *end_day) {
    return ToResponse(Totals());
  }
  absl::StatusOr<Totals> totals = SumDays(model, first_day, end_day, *group);
  if (!totals.ok()) return totals.status();
  return ToResponse(*totals);
}

}  // namespace crm::store
