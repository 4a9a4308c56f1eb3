#include "tools/bench.d/noop_server.h"

#include <signal.h>

#include <fstream>
#include <iostream>
#include <memory>

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>

#include "crm/leads/v1/lead_service.grpc.pb.h"
#include "libs/domain/uuid.h"
#include "libs/domain/validation.h"
#include "tools/bench.d/lead_data.h"

namespace crm::bench {
namespace {

using leads::v1::Lead;

// A lead as the real service returns it: normalised, with its output
// fields set.
Lead StoredLead(uint64_t index) {
  Lead lead = LeadAt(7, index);
  leads::NormalizeLead(&lead);
  lead.set_id(leads::NewUuidV7(absl::Now()));
  lead.set_version(1);
  lead.mutable_created_at()->set_seconds(absl::ToUnixSeconds(absl::Now()));
  *lead.mutable_modified_at() = lead.created_at();
  lead.set_status_category(leads::v1::STATUS_CATEGORY_OPEN);
  return lead;
}

class NoopLeadService final : public leads::v1::LeadService::Service {
 public:
  NoopLeadService() : lead_(StoredLead(0)) {
    for (int i = 0; i < 20; ++i) *page_.add_leads() = StoredLead(i);
    page_.set_next_page_token("bench-next-page");
    page_.set_total_size(1000);
  }

  grpc::Status CreateLead(grpc::ServerContext*,
                          const leads::v1::CreateLeadRequest* request,
                          Lead* response) override {
    *response = request->lead();
    return grpc::Status::OK;
  }

  grpc::Status GetLead(grpc::ServerContext*, const leads::v1::GetLeadRequest*,
                       Lead* response) override {
    *response = lead_;
    return grpc::Status::OK;
  }

  grpc::Status ListLeads(grpc::ServerContext*,
                         const leads::v1::ListLeadsRequest*,
                         leads::v1::ListLeadsResponse* response) override {
    *response = page_;
    return grpc::Status::OK;
  }

 private:
  const Lead lead_;
  leads::v1::ListLeadsResponse page_;
};

sigset_t BlockStopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

}  // namespace

int ServeNoop(const std::string& listen, const std::string& port_file) {
  const sigset_t signals = BlockStopSignals();
  NoopLeadService service;
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    std::cerr << "cannot listen on " << listen << "\n";
    return 1;
  }
  if (!port_file.empty()) std::ofstream(port_file) << port << "\n";
  int signal = 0;
  sigwait(&signals, &signal);
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  return 0;
}

}  // namespace crm::bench
