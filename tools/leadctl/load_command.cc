// The load command: one CreateLead per row of a CSV file.
//
// The header row names a lead field path per column. Rows are numbered as a
// spreadsheet shows them: the header is row 1. Each row's request_id is
// "load-" + the first 16 hex digits of the file's SHA-256 + "-" + its row
// number, so loading the same file again returns the leads already created
// instead of creating new ones.

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <absl/container/flat_hash_map.h>
#include <absl/status/statusor.h>
#include <absl/strings/escaping.h>
#include <absl/strings/str_cat.h>
#include <fmt/core.h>

#include "libs/leadtext/lead_text.h"
#include "tools/leadctl/commands.h"
#include "tools/leadctl/csv_table.h"

namespace crm::leadctl {
namespace {

using ::crm::leads::v1::CreateLeadRequest;

// Attempts per row when the service cannot be reached.
constexpr int kMaxAttempts = 3;
constexpr auto kRetryPause = std::chrono::milliseconds(250);

// A data row, ready to send unless building its request failed.
struct Row {
  int number = 0;
  CreateLeadRequest request;
  absl::Status build_error;
};

// What became of a row.
struct Outcome {
  enum class Kind { kAccepted, kRefused, kFailed, kNotSent };
  Kind kind = Kind::kNotSent;
  // For a refused or failed row: "CODE detail".
  std::string reason;
  grpc::StatusCode code = grpc::StatusCode::OK;
};

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  if (in) contents << in.rdbuf();
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read ", path, ": ", std::strerror(errno)));
  }
  return contents.str();
}

absl::StatusOr<std::string> ShortDigest(const std::string& contents) {
  if (sodium_init() < 0) return absl::InternalError("libsodium cannot start");
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest,
                     reinterpret_cast<const unsigned char*>(contents.data()),
                     contents.size());
  // Eight bytes make the first 16 hex digits.
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), 8));
}

absl::Status CheckHeader(const std::vector<std::string>& header) {
  absl::flat_hash_map<std::string, size_t> columns;
  for (size_t i = 0; i < header.size(); ++i) {
    const std::string where =
        absl::StrCat("column ", i + 1, " \"", header[i], "\" of the header");
    if (absl::Status status = leadtext::CheckLeadPath(header[i]);
        !status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": ", status.message()));
    }
    if (auto [it, added] = columns.emplace(header[i], i + 1); !added) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": repeats column ", it->second));
    }
  }
  return absl::OkStatus();
}

Row BuildRow(const std::vector<std::string>& header,
             const std::vector<std::string>& fields, int number,
             const std::string& digest) {
  Row row;
  row.number = number;
  row.request.set_request_id(absl::StrCat("load-", digest, "-", number));
  if (fields.size() != header.size()) {
    row.build_error = absl::InvalidArgumentError(absl::StrCat(
        "has ", fields.size(), " fields; the header has ", header.size()));
    return row;
  }
  for (size_t i = 0; i < fields.size() && row.build_error.ok(); ++i) {
    row.build_error = leadtext::SetLeadField(row.request.mutable_lead(),
                                             header[i], fields[i]);
  }
  return row;
}

absl::StatusOr<std::vector<Row>> ReadRows(const std::string& path) {
  absl::StatusOr<std::string> contents = ReadFile(path);
  if (!contents.ok()) return contents.status();
  absl::StatusOr<std::string> digest = ShortDigest(*contents);
  if (!digest.ok()) return digest.status();
  absl::StatusOr<CsvRecords> records = ParseCsv(*contents);
  if (!records.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", records.status().message()));
  }
  if (records->empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, " has no header"));
  }

  const std::vector<std::string>& header = records->front();
  if (absl::Status status = CheckHeader(header); !status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", status.message()));
  }
  std::vector<Row> rows;
  for (size_t i = 1; i < records->size(); ++i) {
    rows.push_back(
        BuildRow(header, (*records)[i], static_cast<int>(i + 1), *digest));
  }
  return rows;
}

// total_size of ListLeads; nullopt, with `status` set, if the call fails.
std::optional<int64_t> CountLeads(LeadClient& client, grpc::Status* status) {
  crm::leads::v1::ListLeadsRequest request;
  request.set_page_size(1);
  crm::leads::v1::ListLeadsResponse response;
  grpc::ClientContext context;
  client.Prepare(&context);
  *status = client.stub().ListLeads(&context, request, &response);
  if (!status->ok()) return std::nullopt;
  return response.total_size();
}

grpc::Status CreateWithRetries(LeadClient& client,
                               const CreateLeadRequest& request) {
  grpc::Status status;
  for (int attempt = 1; attempt <= kMaxAttempts; ++attempt) {
    // The request_id makes a repeated attempt harmless.
    grpc::ClientContext context;
    client.Prepare(&context);
    crm::leads::v1::Lead lead;
    status = client.stub().CreateLead(&context, request, &lead);
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE ||
        attempt == kMaxAttempts) {
      break;
    }
    std::this_thread::sleep_for(kRetryPause * attempt);
  }
  return status;
}

Outcome Send(LeadClient& client, const Row& row) {
  if (!row.build_error.ok()) {
    return {Outcome::Kind::kRefused,
            absl::StrCat(absl::StatusCodeToString(row.build_error.code()), " ",
                         row.build_error.message()),
            static_cast<grpc::StatusCode>(row.build_error.code())};
  }
  const grpc::Status status = CreateWithRetries(client, row.request);
  const grpc::StatusCode code = status.error_code();
  if (status.ok()) return {Outcome::Kind::kAccepted, "", code};
  if (IsTransportFailure(code)) {
    return {Outcome::Kind::kFailed,
            absl::StrCat(CodeName(code), " ", status.error_message()), code};
  }
  return {Outcome::Kind::kRefused,
          absl::StrCat(CodeName(code), " ", DescribeRefusal(status)), code};
}

// Sends every row from `workers` threads sharing the client's channel. Once
// the service is found unreachable the rows not yet sent stay unsent.
std::vector<Outcome> SendAll(LeadClient& client, const std::vector<Row>& rows,
                             int workers) {
  std::vector<Outcome> outcomes(rows.size());
  std::atomic<size_t> next = 0;
  std::atomic<bool> unreachable = false;
  auto work = [&] {
    for (size_t i = next++; i < rows.size(); i = next++) {
      if (unreachable) continue;
      outcomes[i] = Send(client, rows[i]);
      if (outcomes[i].code == grpc::StatusCode::UNAVAILABLE) {
        unreachable = true;
      }
    }
  };

  std::vector<std::thread> threads;
  const size_t count =
      std::min<size_t>(workers, std::max<size_t>(rows.size(), 1));
  for (size_t i = 0; i < count; ++i) threads.emplace_back(work);
  for (std::thread& thread : threads) thread.join();
  return outcomes;
}

struct Tally {
  int64_t accepted = 0;
  int64_t refused = 0;
  int64_t failed = 0;
  int64_t not_sent = 0;
};

Tally PrintRows(const std::vector<Row>& rows,
                const std::vector<Outcome>& outcomes) {
  Tally tally;
  for (size_t i = 0; i < rows.size(); ++i) {
    switch (outcomes[i].kind) {
      case Outcome::Kind::kAccepted:
        ++tally.accepted;
        continue;
      case Outcome::Kind::kNotSent:
        ++tally.not_sent;
        continue;
      case Outcome::Kind::kRefused:
        ++tally.refused;
        break;
      case Outcome::Kind::kFailed:
        ++tally.failed;
        break;
    }
    fmt::print("row {}: {}\n", rows[i].number, outcomes[i].reason);
  }
  return tally;
}

void PrintSummary(size_t rows_read, const Tally& tally,
                  std::optional<int64_t> before, std::optional<int64_t> after,
                  double elapsed_s) {
  fmt::print("rows read: {}\n", rows_read);
  fmt::print("accepted: {}\n", tally.accepted);
  if (before.has_value() && after.has_value()) {
    fmt::print("  new leads: {} (total_size {} before, {} after)\n",
               *after - *before, *before, *after);
    fmt::print("  already present: {}\n", tally.accepted - (*after - *before));
  }
  fmt::print("refused: {}\n", tally.refused);
  if (tally.failed > 0) {
    fmt::print("no reply: {} (loading the file again retries them)\n",
               tally.failed);
  }
  if (tally.not_sent > 0) fmt::print("not sent: {}\n", tally.not_sent);
  const auto sent = static_cast<double>(rows_read - tally.not_sent);
  fmt::print("elapsed: {:.2f} s, {:.1f} rows/s\n", elapsed_s,
             elapsed_s > 0 ? sent / elapsed_s : 0.0);
}

}  // namespace

int RunLoad(LeadClient& client, const LoadArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  absl::StatusOr<std::vector<Row>> rows = ReadRows(args.file);
  if (!rows.ok()) {
    fmt::print(stderr, "leadctl: {}\n", std::string(rows.status().message()));
    return kExitUsage;
  }
  grpc::Status status;
  const std::optional<int64_t> before = CountLeads(client, &status);
  if (!before.has_value()) return ReportError(status, client.options().server);

  const std::vector<Outcome> outcomes =
      SendAll(client, *rows, args.concurrency);
  const std::optional<int64_t> after = CountLeads(client, &status);
  if (!after.has_value()) ReportError(status, client.options().server);
  const Tally tally = PrintRows(*rows, outcomes);
  const std::chrono::duration<double> elapsed =
      std::chrono::steady_clock::now() - start;
  PrintSummary(rows->size(), tally, before, after, elapsed.count());

  if (tally.failed > 0 || tally.not_sent > 0) return kExitUsage;
  return tally.refused > 0 ? kExitRefused : kExitOk;
}

}  // namespace crm::leadctl
