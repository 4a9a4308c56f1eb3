// The history, as-of and verify commands.

#include "tools/leadctl/history_command.h"

#include <cstdio>
#include <string>

#include <absl/status/statusor.h>
#include <absl/strings/str_cat.h>
#include <absl/time/time.h>
#include <fmt/core.h>
#include <google/protobuf/util/time_util.h>

namespace crm::leadctl {
namespace {

using ::crm::leads::v1::ChainProblem;
using ::crm::leads::v1::GetLeadHistoryRequest;
using ::crm::leads::v1::GetLeadHistoryResponse;
using ::crm::leads::v1::HistoryEntry;
using ::google::protobuf::Timestamp;
using ::google::protobuf::util::TimeUtil;

// Reads an instant that must say its offset from UTC: a time without one
// would be read in some unstated zone, so it is refused.
absl::StatusOr<Timestamp> ParseInstant(const std::string& text) {
  absl::Time time;
  std::string error;
  if (absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(time));
  }
  std::string ignored;
  if (absl::ParseTime("%Y-%m-%d%ET%H:%M:%E*S", text, &time, &ignored) ||
      absl::ParseTime("%Y-%m-%d%ET%H:%M", text, &time, &ignored) ||
      absl::ParseTime("%Y-%m-%d", text, &time, &ignored)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--at: '", text,
        "' has no UTC offset; add Z or an offset, e.g. 2024-03-01T09:30:00Z "
        "or 2024-03-01T10:30:00+01:00"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("--at: '", text, "' is not an RFC 3339 time (", error, ")"));
}

// A time in UTC to the second, to keep the table's columns aligned.
std::string Text(const Timestamp& time) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(time.seconds()),
                          absl::UTCTimeZone());
}

// The payload's short name: "LeadUpdated" for "crm.leads.v1.LeadUpdated".
std::string ShortType(const std::string& type) {
  const size_t dot = type.rfind('.');
  return dot == std::string::npos ? type : type.substr(dot + 1);
}

void PrintEntry(const HistoryEntry& entry) {
  const std::string first = entry.summary().empty() ? "" : entry.summary(0);
  fmt::print("{:>7}  {:<20}  {:<20}  {:<16}  {:<18}  {}\n", entry.version(),
             Text(entry.recorded_at()), Text(entry.effective_at()),
             entry.actor(), ShortType(entry.event_type()), first);
  for (int i = 1; i < entry.summary_size(); ++i) {
    fmt::print("{:>7}  {:<20}  {:<20}  {:<16}  {:<18}  {}\n", "", "", "", "",
               "", entry.summary(i));
  }
}

const char* KindName(ChainProblem::Kind kind) {
  switch (kind) {
    case ChainProblem::ALTERED:
      return "ALTERED";
    case ChainProblem::MISSING:
      return "MISSING";
    case ChainProblem::REORDERED:
      return "REORDERED";
    default:
      return "UNKNOWN";
  }
}

}  // namespace

void HistoryCommands::Define(CLI::App& app) {
  history_ = app.add_subcommand(
      "history", "print every event of a lead and the values it changed");
  history_->add_option("id", id_, "the lead's ID")->required();
  as_of_ = app.add_subcommand(
      "as-of", "print a lead as it stood at a version or a time");
  as_of_->add_option("id", id_, "the lead's ID")->required();
  CLI::Option* at = as_of_->add_option(
      "--at", at_,
      "a time in RFC 3339 with its UTC offset (2024-03-01T09:30:00Z)");
  CLI::Option* version =
      as_of_->add_option("--version", version_, "a version of the lead")
          ->check(CLI::PositiveNumber);
  as_of_->add_flag("--effective", effective_,
                   "with --at: by effective time instead of recorded time");
  at->excludes(version);
  verify_ = app.add_subcommand(
      "verify", "check a lead's hash chain against the topic's records");
  verify_->add_option("id", id_, "the lead's ID")->required();
}

int HistoryCommands::RunIfParsed(LeadClient& client) {
  if (history_->parsed()) return RunHistory(client);
  if (as_of_->parsed()) return RunAsOf(client);
  if (verify_->parsed()) return RunVerify(client);
  return -1;
}

int HistoryCommands::RunHistory(LeadClient& client) {
  GetLeadHistoryRequest request;
  request.set_id(id_);
  fmt::print("{:>7}  {:<20}  {:<20}  {:<16}  {:<18}  {}\n", "VERSION",
             "RECORDED", "EFFECTIVE", "ACTOR", "EVENT", "CHANGES");
  do {
    grpc::ClientContext context;
    client.Prepare(&context);
    GetLeadHistoryResponse page;
    const grpc::Status status =
        client.stub().GetLeadHistory(&context, request, &page);
    if (!status.ok()) return ReportError(status, client.options().server);
    for (const HistoryEntry& entry : page.entries()) PrintEntry(entry);
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return kExitOk;
}

int HistoryCommands::RunAsOf(LeadClient& client) {
  crm::leads::v1::GetLeadAsOfRequest request;
  request.set_id(id_);
  if (at_.empty() && version_ == 0) {
    fmt::print(stderr, "as-of: give --at TIME or --version N\n");
    return kExitUsage;
  }
  if (at_.empty()) {
    request.set_version(version_);
  } else {
    absl::StatusOr<Timestamp> time = ParseInstant(at_);
    if (!time.ok()) {
      fmt::print(stderr, "{}\n", std::string(time.status().message()));
      return kExitUsage;
    }
    *(effective_ ? request.mutable_effective_at()
                 : request.mutable_recorded_at()) = *time;
  }
  grpc::ClientContext context;
  client.Prepare(&context);
  crm::leads::v1::Lead lead;
  const grpc::Status status =
      client.stub().GetLeadAsOf(&context, request, &lead);
  if (!status.ok()) return ReportError(status, client.options().server);
  return PrintLead(lead);
}

int HistoryCommands::RunVerify(LeadClient& client) {
  crm::leads::v1::VerifyLeadRequest request;
  request.set_id(id_);
  grpc::ClientContext context;
  client.Prepare(&context);
  crm::leads::v1::VerifyLeadResponse reply;
  const grpc::Status status =
      client.stub().VerifyLead(&context, request, &reply);
  if (!status.ok()) return ReportError(status, client.options().server);
  fmt::print("{}: {} events verified\n", reply.ok() ? "ok" : "PROBLEMS",
             reply.verified_events());
  for (const ChainProblem& problem : reply.problems()) {
    fmt::print("version {:>5}  {:<9}  {}\n", problem.version(),
               KindName(problem.kind()), problem.detail());
  }
  for (const auto& rejected : reply.rejected()) {
    fmt::print("rejected: partition {} offset {}: {}\n", rejected.partition(),
               rejected.offset(), rejected.reason());
  }
  return reply.ok() ? kExitOk : kExitRefused;
}

}  // namespace crm::leadctl
