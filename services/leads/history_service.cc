// The history, as-of and verification methods of LeadServiceImpl.

#include <algorithm>
#include <map>
#include <memory>
#include <utility>

#include <absl/strings/ascii.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>

#include "libs/domain/errors.h"
#include "libs/eventlog/consumer.h"
#include "services/leads/grpc_reply.h"
#include "services/leads/lead_history.h"
#include "services/leads/lead_service.h"

namespace crm::leads {

namespace {

constexpr int kDefaultHistoryPage = 100;
constexpr int kMaxHistoryPage = 1000;
// librdkafka's logical offset for "the end of the partition".
constexpr int64_t kOffsetEnd = -1;
constexpr absl::Duration kVerifyReadTimeout = absl::Seconds(10);

using RecordMap = std::map<std::pair<int32_t, int64_t>, eventlog::Record>;

// The first and last offset to read in each partition.
using Ranges = std::map<int32_t, std::pair<int64_t, int64_t>>;

absl::StatusOr<Ranges> RangesOf(const store::ReadModel& model,
                                const std::string& lead_id) {
  absl::StatusOr<std::optional<store::StoredLeadRecord>> lead =
      model.GetLead(lead_id);
  if (!lead.ok()) return lead.status();
  if (!lead->has_value()) {
    return absl::NotFoundError(absl::StrCat("lead ", lead_id, " not found"));
  }
  absl::StatusOr<std::vector<store::StoredEventRecord>> events =
      model.GetEvents(lead_id, 1, (*lead)->lead().version());
  if (!events.ok()) return events.status();
  Ranges ranges;
  for (const store::StoredEventRecord& event : *events) {
    auto [it, added] = ranges.try_emplace(
        event.partition(), std::make_pair(event.offset(), event.offset()));
    it->second.first = std::min(it->second.first, event.offset());
    it->second.second = std::max(it->second.second, event.offset());
  }
  return ranges;
}

// True when every partition has been read up to its last wanted offset or
// to its end.
bool Done(const Ranges& ranges, const std::map<int32_t, int64_t>& ends,
          const std::map<int32_t, int64_t>& seen) {
  for (const auto& [partition, range] : ranges) {
    auto end = ends.find(partition);
    const int64_t last =
        std::min(range.second, (end == ends.end() ? 0 : end->second) - 1);
    if (last < range.first) continue;
    auto it = seen.find(partition);
    if (it == seen.end() || it->second < last) return false;
  }
  return true;
}

// Reads the records of `ranges` from the topic with a consumer of its own,
// assigned at the first wanted offset of each partition.
absl::StatusOr<RecordMap> ReadRanges(const eventlog::KafkaOptions& kafka,
                                     int partitions, const Ranges& ranges) {
  std::map<int32_t, int64_t> starts;
  for (int32_t partition = 0; partition < partitions; ++partition) {
    auto it = ranges.find(partition);
    starts[partition] = it == ranges.end() ? kOffsetEnd : it->second.first;
  }
  absl::StatusOr<std::unique_ptr<eventlog::EventConsumer>> consumer =
      eventlog::EventConsumer::Create(kafka, partitions, starts);
  if (!consumer.ok()) return consumer.status();
  absl::StatusOr<std::map<int32_t, int64_t>> ends =
      (*consumer)->EndOffsets(kVerifyReadTimeout);
  if (!ends.ok()) return ends.status();
  RecordMap records;
  std::map<int32_t, int64_t> seen;
  const absl::Time deadline = absl::Now() + kVerifyReadTimeout;
  while (!Done(ranges, *ends, seen)) {
    if (absl::Now() >= deadline) {
      return absl::UnavailableError("timed out reading the lead's records");
    }
    absl::StatusOr<std::vector<eventlog::Record>> polled =
        (*consumer)->Poll(1000, absl::Milliseconds(200));
    if (!polled.ok()) return polled.status();
    for (eventlog::Record& record : *polled) {
      seen[record.partition] = record.offset;
      const auto key = std::make_pair(record.partition, record.offset);
      records.emplace(key, std::move(record));
    }
  }
  return records;
}

absl::StatusOr<int64_t> FirstVersion(const std::string& page_token) {
  if (page_token.empty()) return 1;
  int64_t version = 0;
  if (!absl::SimpleAtoi(page_token, &version) || version < 1) {
    return InvalidArgument({{"page_token", "is not a token of this list"}});
  }
  return version;
}

absl::Status CheckId(const std::string& id) {
  Violations violations = CheckTarget(id, "");
  if (!violations.empty()) return InvalidArgument(violations);
  return absl::OkStatus();
}

absl::Status CheckAsOf(const v1::GetLeadAsOfRequest& request) {
  Violations violations = CheckTarget(request.id(), "");
  if (request.as_of_case() == v1::GetLeadAsOfRequest::AS_OF_NOT_SET) {
    violations.push_back(
        {"as_of", "one of version, recorded_at or effective_at is required"});
  } else if (request.as_of_case() == v1::GetLeadAsOfRequest::kVersion &&
             request.version() < 1) {
    violations.push_back({"version", "must be at least 1"});
  }
  if (!violations.empty()) return InvalidArgument(violations);
  return absl::OkStatus();
}

}  // namespace

grpc::Status LeadServiceImpl::GetLeadHistory(
    grpc::ServerContext* /*context*/, const v1::GetLeadHistoryRequest* request,
    v1::GetLeadHistoryResponse* response) {
  if (absl::Status s = CheckId(request->id()); !s.ok()) {
    return Reply("GetLeadHistory", s);
  }
  if (request->page_size() < 0 || request->page_size() > kMaxHistoryPage) {
    return Reply(
        "GetLeadHistory",
        InvalidArgument({{"page_size", "must be between 0 and 1000"}}));
  }
  absl::StatusOr<int64_t> first = FirstVersion(request->page_token());
  if (!first.ok()) return Reply("GetLeadHistory", first.status());
  const int size =
      request->page_size() == 0 ? kDefaultHistoryPage : request->page_size();
  absl::StatusOr<v1::GetLeadHistoryResponse> page =
      LeadHistory(*model_, absl::AsciiStrToLower(request->id()), *first, size);
  if (!page.ok()) return Reply("GetLeadHistory", page.status());
  *response = *std::move(page);
  return grpc::Status::OK;
}

grpc::Status LeadServiceImpl::GetLeadAsOf(grpc::ServerContext* /*context*/,
                                          const v1::GetLeadAsOfRequest* request,
                                          v1::Lead* response) {
  if (absl::Status s = CheckAsOf(*request); !s.ok()) {
    return Reply("GetLeadAsOf", s);
  }
  v1::GetLeadAsOfRequest normalized = *request;
  normalized.set_id(absl::AsciiStrToLower(request->id()));
  absl::StatusOr<v1::Lead> lead = LeadAsOf(*model_, normalized);
  if (!lead.ok()) return Reply("GetLeadAsOf", lead.status());
  *response = *std::move(lead);
  return grpc::Status::OK;
}

grpc::Status LeadServiceImpl::VerifyLead(grpc::ServerContext* /*context*/,
                                         const v1::VerifyLeadRequest* request,
                                         v1::VerifyLeadResponse* response) {
  if (absl::Status s = CheckId(request->id()); !s.ok()) {
    return Reply("VerifyLead", s);
  }
  if (partitions_ == 0) {
    return Reply("VerifyLead",
                 absl::UnavailableError("verification is not configured"));
  }
  const std::string id = absl::AsciiStrToLower(request->id());
  absl::StatusOr<Ranges> ranges = RangesOf(*model_, id);
  if (!ranges.ok()) return Reply("VerifyLead", ranges.status());
  absl::StatusOr<RecordMap> records = ReadRanges(kafka_, partitions_, *ranges);
  if (!records.ok()) return Reply("VerifyLead", records.status());
  auto read =
      [&](int32_t partition,
          int64_t offset) -> absl::StatusOr<std::optional<eventlog::Record>> {
    auto it = records->find({partition, offset});
    if (it == records->end()) return std::nullopt;
    return it->second;
  };
  absl::StatusOr<v1::VerifyLeadResponse> verified =
      leads::VerifyLead(*model_, id, read);
  if (!verified.ok()) return Reply("VerifyLead", verified.status());
  *response = *std::move(verified);
  return grpc::Status::OK;
}

}  // namespace crm::leads
