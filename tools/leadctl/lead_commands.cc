// The single-lead commands: create, get and update.

#include <string>
#include <vector>

#include <absl/container/flat_hash_set.h>
#include <absl/status/status.h>
#include <absl/strings/str_cat.h>
#include <fmt/core.h>

#include "libs/leadtext/lead_text.h"
#include "tools/leadctl/commands.h"

namespace crm::leadctl {
namespace {

using ::crm::leads::v1::Lead;

// Sets each "PATH=VALUE" of `sets` on `lead` and appends PATH to `paths`.
absl::Status ApplySets(const std::vector<std::string>& sets, Lead* lead,
                       std::vector<std::string>* paths) {
  for (const std::string& set : sets) {
    const size_t equals = set.find('=');
    if (equals == std::string::npos || equals == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("--set ", set, ": expected PATH=VALUE"));
    }
    const std::string path = set.substr(0, equals);
    const absl::Status status =
        leadtext::SetLeadField(lead, path, set.substr(equals + 1));
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--set ", set, ": ", status.message()));
    }
    paths->push_back(path);
  }
  return absl::OkStatus();
}

// The update mask: the paths set, then those cleared, each once.
absl::Status BuildMask(const std::vector<std::string>& set_paths,
                       const std::vector<std::string>& clears,
                       google::protobuf::FieldMask* mask) {
  absl::flat_hash_set<std::string> seen;
  for (const std::string& path : set_paths) {
    if (seen.insert(path).second) mask->add_paths(path);
  }
  const absl::flat_hash_set<std::string> set_seen = seen;
  for (const std::string& path : clears) {
    if (set_seen.contains(path)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--clear ", path, ": the path is also given to --set"));
    }
    if (seen.insert(path).second) mask->add_paths(path);
  }
  return absl::OkStatus();
}

int UsageError(const absl::Status& status) {
  fmt::print(stderr, "leadctl: {}\n", std::string(status.message()));
  return kExitUsage;
}

int Finish(LeadClient& client, const grpc::Status& status, const Lead& lead) {
  if (!status.ok()) return ReportError(status, client.options().server);
  return PrintLead(lead);
}

}  // namespace

int RunCreate(LeadClient& client, const CreateArgs& args) {
  crm::leads::v1::CreateLeadRequest request;
  std::vector<std::string> paths;
  if (absl::Status status =
          ApplySets(args.sets, request.mutable_lead(), &paths);
      !status.ok()) {
    return UsageError(status);
  }
  request.set_request_id(args.request_id);

  grpc::ClientContext context;
  client.Prepare(&context);
  Lead lead;
  return Finish(client, client.stub().CreateLead(&context, request, &lead),
                lead);
}

int RunGet(LeadClient& client, const GetArgs& args) {
  crm::leads::v1::GetLeadRequest request;
  request.set_id(args.id);
  request.set_min_version(args.min_version);

  grpc::ClientContext context;
  client.Prepare(&context);
  Lead lead;
  return Finish(client, client.stub().GetLead(&context, request, &lead), lead);
}

int RunUpdate(LeadClient& client, const UpdateArgs& args) {
  crm::leads::v1::UpdateLeadRequest request;
  std::vector<std::string> paths;
  absl::Status status = ApplySets(args.sets, request.mutable_lead(), &paths);
  if (status.ok()) {
    status = BuildMask(paths, args.clears, request.mutable_update_mask());
  }
  if (status.ok() && request.update_mask().paths().empty()) {
    status = absl::InvalidArgumentError("update needs --set or --clear");
  }
  if (!status.ok()) return UsageError(status);

  request.mutable_lead()->set_id(args.id);
  if (args.expected_version.has_value()) {
    request.set_expected_version(*args.expected_version);
  }
  request.set_request_id(args.request_id);
  grpc::ClientContext context;
  client.Prepare(&context);
  Lead lead;
  return Finish(client, client.stub().UpdateLead(&context, request, &lead),
                lead);
}

}  // namespace crm::leadctl
