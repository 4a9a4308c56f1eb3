#include "tools/leadctl/client.h"

#include <chrono>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <fmt/core.h>

#include "crm/leads/v1/errors.pb.h"
#include "libs/leadtext/lead_text.h"

namespace crm::leadctl {
namespace {

using ::crm::leads::v1::BadRequest;
using ::crm::leads::v1::ErrorStatus;
using ::crm::leads::v1::VersionConflict;

// The machine-readable parts of a failed call's details.
struct ErrorDetails {
  std::vector<std::string> violations;  // "field: description"
  std::vector<std::string> conflicts;   // one sentence each
};

ErrorDetails DecodeDetails(const grpc::Status& status) {
  ErrorDetails details;
  ErrorStatus error;
  if (!error.ParseFromString(status.error_details())) return details;
  for (const google::protobuf::Any& any : error.details()) {
    BadRequest bad_request;
    VersionConflict conflict;
    if (any.UnpackTo(&bad_request)) {
      for (const auto& violation : bad_request.field_violations()) {
        details.violations.push_back(
            absl::StrCat(violation.field(), ": ", violation.description()));
      }
    } else if (any.UnpackTo(&conflict)) {
      details.conflicts.push_back(
          absl::StrCat("lead ", conflict.lead_id(), ": expected version ",
                       conflict.expected_version(), ", current version ",
                       conflict.current_version()));
    }
  }
  return details;
}

}  // namespace

LeadClient::LeadClient(const ClientOptions& options)
    : options_(options),
      stub_(crm::leads::v1::LeadService::NewStub(grpc::CreateChannel(
          options.server, grpc::InsecureChannelCredentials()))) {}

void LeadClient::Prepare(grpc::ClientContext* context) const {
  const auto timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::duration<double>(options_.timeout_s));
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  if (!options_.actor.empty()) {
    context->AddMetadata("x-crm-actor", options_.actor);
  }
}

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

bool IsTransportFailure(grpc::StatusCode code) {
  return code == grpc::StatusCode::UNAVAILABLE ||
         code == grpc::StatusCode::DEADLINE_EXCEEDED;
}

std::string DescribeRefusal(const grpc::Status& status) {
  const ErrorDetails details = DecodeDetails(status);
  if (!details.violations.empty()) {
    return absl::StrJoin(details.violations, "; ");
  }
  if (!details.conflicts.empty()) return absl::StrJoin(details.conflicts, "; ");
  return status.error_message();
}

int ReportError(const grpc::Status& status, const std::string& server) {
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    fmt::print(stderr, "UNAVAILABLE: cannot reach the lead service at {}: {}\n",
               server, status.error_message());
    return kExitUsage;
  }

  fmt::print(stderr, "{}: {}\n", CodeName(status.error_code()),
             status.error_message());
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    fmt::print(stderr, "  no answer from {} within the timeout\n", server);
  }
  const ErrorDetails details = DecodeDetails(status);
  for (const std::string& line : details.violations) {
    fmt::print(stderr, "  {}\n", line);
  }
  for (const std::string& line : details.conflicts) {
    fmt::print(stderr, "  {}\n", line);
  }
  return kExitRefused;
}

int PrintJson(const google::protobuf::Message& message, bool with_defaults) {
  const absl::StatusOr<std::string> json = leadtext::MessageToJson(
      message, leadtext::JsonLayout::kPretty, with_defaults);
  if (!json.ok()) {
    fmt::print(stderr, "cannot print the reply: {}\n",
               json.status().ToString());
    return kExitRefused;
  }
  fmt::print("{}\n", *json);
  return kExitOk;
}

int PrintLead(const crm::leads::v1::Lead& lead) { return PrintJson(lead); }

}  // namespace crm::leadctl
