#ifndef CRM_TESTS_SERVICES_LEADS_LEAD_STACK_H_
#define CRM_TESTS_SERVICES_LEADS_LEAD_STACK_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "crm/leads/v1/lead_service.grpc.pb.h"
#include "libs/eventlog/record.h"
#include "tests/support/service_process.h"
#include "tests/support/temp_dir.h"

namespace crm::testing {

// A real leads-service process on the test broker, with a topic and a data
// directory of its own, and small verbs to drive it.
class LeadStack {
 public:
  // A topic of `partitions` partitions created for this stack alone, on
  // `brokers` (the shared test broker unless given).
  explicit LeadStack(int partitions = 3, std::string brokers = "");

  // Starts the service and waits until its health says SERVING.
  bool Start();
  // SIGTERM, or SIGKILL with no chance to flush anything.
  void Stop();
  void Kill();

  leads::v1::LeadService::Stub& stub() { return *stub_; }

  const std::string& topic() const { return topic_; }

  const std::string& brokers() const { return brokers_; }

  std::string data_dir() const { return dir_.path() + "/data"; }

  std::string Log() const { return process_->Log(); }

  ServiceProcess& process() { return *process_; }

  // Calls with a 10 second deadline; `actor` goes in x-crm-actor.
  grpc::Status Create(const leads::v1::CreateLeadRequest& request,
                      leads::v1::Lead* lead, const std::string& actor = "",
                      double deadline_s = 10);
  grpc::Status Update(const leads::v1::UpdateLeadRequest& request,
                      leads::v1::Lead* lead);
  grpc::Status Get(const std::string& id, leads::v1::Lead* lead,
                   int64_t min_version = 0, double deadline_s = 10);
  grpc::Status List(const leads::v1::ListLeadsRequest& request,
                    leads::v1::ListLeadsResponse* response);

  // Every record of the topic, read with a client of its own.
  std::vector<eventlog::Record> ReadTopic();

  // Appends `record` to the topic directly, as a foreign writer would.
  void WriteRecord(const eventlog::Record& record);

 private:
  TempDir dir_;
  std::string brokers_;
  std::string topic_;
  std::unique_ptr<ServiceProcess> process_;
  std::unique_ptr<leads::v1::LeadService::Stub> stub_;
};

// A create request for a lead named `name`.
leads::v1::CreateLeadRequest NewLead(const std::string& name,
                                     const std::string& request_id = "");

// An update request that renames lead `id` to `name`.
leads::v1::UpdateLeadRequest RenameLead(const std::string& id,
                                        const std::string& name);

// The detail of type T carried by a failed call, if any.
template <typename T>
bool ErrorDetail(const grpc::Status& status, T* detail);

}  // namespace crm::testing

#endif  // CRM_TESTS_SERVICES_LEADS_LEAD_STACK_H_
