#ifndef CRM_TOOLS_LEADCTL_CLIENT_H_
#define CRM_TOOLS_LEADCTL_CLIENT_H_

#include <memory>
#include <string>

#include <grpcpp/grpcpp.h>

#include "crm/leads/v1/lead.pb.h"
#include "crm/leads/v1/lead_service.grpc.pb.h"

namespace crm::leadctl {

// Exit statuses of leadctl.
inline constexpr int kExitOk = 0;
// The service refused a request (or, for load, some rows).
inline constexpr int kExitRefused = 1;
// Bad command line or input file, or the service could not be reached.
inline constexpr int kExitUsage = 2;

// The global options, shared by every command.
struct ClientOptions {
  std::string server = "127.0.0.1:50051";
  std::string actor;
  double timeout_s = 10;
  bool json = false;
};

// A connection to the lead service: one channel, shared by every call and
// safe to use from several threads.
class LeadClient {
 public:
  explicit LeadClient(const ClientOptions& options);

  const ClientOptions& options() const { return options_; }

  crm::leads::v1::LeadService::Stub& stub() { return *stub_; }

  // Fills `context` for one call: its deadline and the actor metadata.
  void Prepare(grpc::ClientContext* context) const;

 private:
  ClientOptions options_;
  std::unique_ptr<crm::leads::v1::LeadService::Stub> stub_;
};

// "INVALID_ARGUMENT" for a status code.
std::string CodeName(grpc::StatusCode code);

// True for the codes that mean no reply came from the service, so the
// outcome of a command is unknown.
bool IsTransportFailure(grpc::StatusCode code);

// The field violations of a failed call's details, "field: description"
// joined by "; ", or its message when it carries none.
std::string DescribeRefusal(const grpc::Status& status);

// Prints a failed call to stderr: "CODE: message", then each field violation
// or version conflict its details hold. Returns the exit status it calls for.
int ReportError(const grpc::Status& status, const std::string& server);

// Prints `message` as indented JSON to stdout (with fields at their default
// value when `with_defaults`). Returns the exit status.
int PrintJson(const google::protobuf::Message& message,
              bool with_defaults = false);

// Prints `lead` as indented JSON to stdout. Returns the exit status.
int PrintLead(const crm::leads::v1::Lead& lead);

}  // namespace crm::leadctl

#endif  // CRM_TOOLS_LEADCTL_CLIENT_H_
