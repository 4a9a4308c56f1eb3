// The stats command: indicators of the leads created in a period.

#include "tools/leadctl/stats_command.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <absl/status/statusor.h>
#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/strip.h>
#include <fmt/core.h>

#include "libs/leadtext/lead_text.h"

namespace crm::leadctl {
namespace {

using ::crm::leads::v1::GetLeadStatsRequest;
using ::crm::leads::v1::GetLeadStatsResponse;
using ::crm::leads::v1::StatsGroup;
using ::google::protobuf::Timestamp;

// The grouping named on the command line (checked by the parser).
StatsGroup GroupOf(const std::string& name) {
  if (name == "source") return crm::leads::v1::STATS_GROUP_SOURCE;
  if (name == "agent") return crm::leads::v1::STATS_GROUP_AGENT;
  if (name == "campaign") return crm::leads::v1::STATS_GROUP_CAMPAIGN;
  return crm::leads::v1::STATS_GROUP_STATUS;
}

// Reads a bound with the same rules as a lead's timestamps.
absl::StatusOr<Timestamp> ParseBound(const std::string& option,
                                     const std::string& text) {
  crm::leads::v1::Lead scratch;
  const absl::Status status =
      leadtext::SetLeadField(&scratch, "created_at", text);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        option, ": ", absl::StripPrefix(status.message(), "created_at: ")));
  }
  return scratch.created_at();
}

absl::StatusOr<GetLeadStatsRequest> BuildRequest(const StatsArgs& args) {
  GetLeadStatsRequest request;
  if (!args.from.empty()) {
    absl::StatusOr<Timestamp> from = ParseBound("--from", args.from);
    if (!from.ok()) return from.status();
    *request.mutable_from() = *from;
  }
  if (!args.to.empty()) {
    absl::StatusOr<Timestamp> to = ParseBound("--to", args.to);
    if (!to.ok()) return to.status();
    *request.mutable_to() = *to;
  }
  if (!args.group_by.empty()) request.set_group_by(GroupOf(args.group_by));
  return request;
}

// A duration in its two largest units ("2d 03h", "5m 12s").
std::string Duration(double seconds) {
  const int64_t whole = std::llround(seconds);
  if (whole < 60) return fmt::format("{}s", whole);
  if (whole < 3600) return fmt::format("{}m {:02}s", whole / 60, whole % 60);
  if (whole < 86400) {
    return fmt::format("{}h {:02}m", whole / 3600, whole % 3600 / 60);
  }
  return fmt::format("{}d {:02}h", whole / 86400, whole % 86400 / 3600);
}

std::string ValueName(const std::string& value) {
  return value.empty() ? "(none)" : value;
}

void PrintSummary(const GetLeadStatsResponse& stats) {
  fmt::print("leads created:          {}\n", stats.created());
  fmt::print("qualified now:          {} ({:.1f}%)\n", stats.qualified(),
             stats.conversion_rate() * 100);
  if (stats.qualified() > 0) {
    fmt::print("median time to qualify: {} (histogram buckets {:.1f}% wide)\n",
               Duration(stats.median_seconds_to_qualify()),
               stats.histogram_resolution() * 100);
  }
}

// The counts, largest first.
void PrintCounts(const GetLeadStatsResponse& stats, const std::string& group) {
  std::vector<std::pair<std::string, int64_t>> rows(stats.counts().begin(),
                                                    stats.counts().end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  fmt::print("\n{:<30} {:>8}\n", absl::AsciiStrToUpper(group), "LEADS");
  for (const auto& [value, count] : rows) {
    fmt::print("{:<30} {:>8}\n", ValueName(value), count);
  }
}

void PrintTimeInStatus(const GetLeadStatsResponse& stats) {
  if (stats.time_in_status().empty()) return;
  const std::map<std::string, crm::leads::v1::StatusTime> rows(
      stats.time_in_status().begin(), stats.time_in_status().end());
  fmt::print("\n{:<30} {:>8} {:>10} {:>10}\n", "TIME IN STATUS", "STAYS",
             "MEAN", "MEDIAN");
  for (const auto& [status, time] : rows) {
    fmt::print("{:<30} {:>8} {:>10} {:>10}\n", ValueName(status), time.stays(),
               Duration(time.mean_seconds()), Duration(time.median_seconds()));
  }
}

}  // namespace

CLI::App* DefineStats(CLI::App& app, StatsArgs& args) {
  CLI::App* command = app.add_subcommand(
      "stats",
      "indicators of the leads created in a period, counted by whole days "
      "in Madrid time; --json for JSON");
  command->add_option("--from", args.from,
                      "first day, YYYY-MM-DD (midnight Madrid time) or RFC "
                      "3339; default: no start");
  command->add_option("--to", args.to,
                      "end of the period, excluded, same forms; default: "
                      "no end");
  command
      ->add_option("--group-by", args.group_by,
                   "count leads by (default: status)")
      ->check(CLI::IsMember({"source", "status", "agent", "campaign"}));
  return command;
}

int RunStats(LeadClient& client, const StatsArgs& args) {
  const absl::StatusOr<GetLeadStatsRequest> request = BuildRequest(args);
  if (!request.ok()) {
    fmt::print(stderr, "{}\n", std::string(request.status().message()));
    return kExitUsage;
  }
  grpc::ClientContext context;
  client.Prepare(&context);
  GetLeadStatsResponse stats;
  const grpc::Status status =
      client.stub().GetLeadStats(&context, *request, &stats);
  if (!status.ok()) return ReportError(status, client.options().server);
  if (client.options().json) return PrintJson(stats, true);

  PrintSummary(stats);
  PrintCounts(stats, args.group_by.empty() ? "status" : args.group_by);
  PrintTimeInStatus(stats);
  return kExitOk;
}

}  // namespace crm::leadctl
