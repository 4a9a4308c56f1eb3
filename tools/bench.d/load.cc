#include "tools/bench.d/load.h"

#include <algorithm>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <absl/strings/str_cat.h>
#include <grpcpp/grpcpp.h>

#include "crm/leads/v1/lead_service.grpc.pb.h"
#include "tools/bench.d/lead_data.h"

namespace crm::bench {
namespace {

using leads::v1::LeadService;

// What one client thread saw.
struct ClientTally {
  std::vector<double> latencies_ms;
  int64_t errors = 0;
  std::string first_error;
  std::vector<std::string> created_ids;
};

// Everything the client threads share; read-only while they run.
struct Shared {
  const LoadOptions* options;
  std::vector<std::string> ids;
  absl::Time start;
  absl::Time end;
};

std::shared_ptr<grpc::Channel> NewChannel(const std::string& target,
                                          int index) {
  grpc::ChannelArguments arguments;
  // A distinct argument keeps gRPC from sharing one connection.
  arguments.SetInt("crm.bench.channel", index);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(),
                                   arguments);
}

grpc::Status Call(LeadService::Stub& stub, const Shared& shared, int client,
                  int64_t sequence, ClientTally& tally) {
  const LoadOptions& options = *shared.options;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(10));
  leads::v1::Lead lead;
  if (options.call == "create") {
    leads::v1::CreateLeadRequest request;
    const uint64_t index =
        static_cast<uint64_t>(sequence) * options.clients + client;
    *request.mutable_lead() = LeadAt(options.seed, index);
    request.set_request_id(absl::StrCat(options.label, "-", index));
    request.set_allow_duplicate(true);
    grpc::Status status = stub.CreateLead(&context, request, &lead);
    if (status.ok() && !lead.id().empty() && !options.ids_out.empty()) {
      tally.created_ids.push_back(lead.id());
    }
    return status;
  }
  if (options.call == "get") {
    leads::v1::GetLeadRequest request;
    if (!shared.ids.empty()) {
      request.set_id(shared.ids[(sequence * options.clients + client) %
                                shared.ids.size()]);
    }
    return stub.GetLead(&context, request, &lead);
  }
  leads::v1::ListLeadsRequest request;
  request.set_page_size(20);
  switch ((sequence + client) % 3) {
    case 1:
      request.set_order_by(leads::v1::LEAD_ORDER_NAME);
      break;
    case 2:
      request.set_source("web");
      break;
  }
  leads::v1::ListLeadsResponse response;
  return stub.ListLeads(&context, request, &response);
}

void RunClient(std::shared_ptr<grpc::Channel> channel, const Shared& shared,
               int client, ClientTally& tally) {
  const LoadOptions& options = *shared.options;
  auto stub = LeadService::NewStub(channel);
  const absl::Duration interval =
      options.rate > 0 ? absl::Seconds(options.clients / options.rate)
                       : absl::ZeroDuration();
  // Paced clients start spread over one interval.
  absl::Time scheduled = shared.start + interval * client / options.clients;
  for (int64_t sequence = 0;; ++sequence) {
    absl::Time sent = absl::Now();
    if (options.rate > 0) {
      if (scheduled > sent) absl::SleepFor(scheduled - sent);
      sent = scheduled;
      scheduled += interval;
    }
    if (sent >= shared.end) break;
    grpc::Status status = Call(*stub, shared, client, sequence, tally);
    if (status.ok()) {
      tally.latencies_ms.push_back(
          absl::ToDoubleMilliseconds(absl::Now() - sent));
    } else if (tally.errors++ == 0) {
      tally.first_error =
          absl::StrCat(status.error_code(), ": ", status.error_message());
    }
  }
}

double Percentile(std::vector<double>& values, double fraction) {
  if (values.empty()) return 0;
  const size_t rank = std::min(values.size() - 1,
                               static_cast<size_t>(fraction * values.size()));
  std::nth_element(values.begin(), values.begin() + rank, values.end());
  return values[rank];
}

absl::StatusOr<std::vector<std::string>> ReadIds(const std::string& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError("cannot read " + path);
  std::vector<std::string> ids;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) ids.push_back(line);
  }
  return ids;
}

absl::Status WriteIds(const std::string& path,
                      const std::vector<ClientTally>& tallies) {
  std::ofstream out(path, std::ios::app);
  for (const ClientTally& tally : tallies) {
    for (const std::string& id : tally.created_ids) out << id << "\n";
  }
  if (!out) return absl::InternalError("cannot write " + path);
  return absl::OkStatus();
}

nlohmann::json Summarize(std::vector<ClientTally>& tallies,
                         absl::Duration elapsed) {
  std::vector<double> latencies;
  int64_t errors = 0;
  std::string first_error;
  for (ClientTally& tally : tallies) {
    latencies.insert(latencies.end(), tally.latencies_ms.begin(),
                     tally.latencies_ms.end());
    errors += tally.errors;
    if (first_error.empty()) first_error = tally.first_error;
  }
  const double seconds = absl::ToDoubleSeconds(elapsed);
  nlohmann::json result;
  result["calls"] = latencies.size();
  result["errors"] = errors;
  result["first_error"] = first_error;
  result["seconds"] = seconds;
  result["per_second"] = seconds > 0 ? latencies.size() / seconds : 0;
  result["p50_ms"] = Percentile(latencies, 0.50);
  result["p99_ms"] = Percentile(latencies, 0.99);
  return result;
}

}  // namespace

absl::StatusOr<nlohmann::json> RunLoad(const LoadOptions& options) {
  if (options.clients < 1 || options.clients_per_channel < 1) {
    return absl::InvalidArgumentError("clients must be positive");
  }
  Shared shared{&options, {}, {}, {}};
  if (options.call == "get") {
    absl::StatusOr<std::vector<std::string>> ids = ReadIds(options.ids_file);
    if (!ids.ok()) return ids.status();
    shared.ids = *std::move(ids);
  }
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i * options.clients_per_channel < options.clients; ++i) {
    channels.push_back(NewChannel(options.target, i));
    if (!channels.back()->WaitForConnected(std::chrono::system_clock::now() +
                                           std::chrono::seconds(10))) {
      return absl::UnavailableError("cannot connect to " + options.target);
    }
  }
  std::vector<ClientTally> tallies(options.clients);
  std::vector<std::thread> threads;
  shared.start = absl::Now();
  shared.end = shared.start + options.duration;
  for (int client = 0; client < options.clients; ++client) {
    threads.emplace_back(RunClient,
                         channels[client / options.clients_per_channel],
                         std::cref(shared), client, std::ref(tallies[client]));
  }
  for (std::thread& thread : threads) thread.join();
  const absl::Duration elapsed = absl::Now() - shared.start;
  if (!options.ids_out.empty()) {
    if (absl::Status s = WriteIds(options.ids_out, tallies); !s.ok()) return s;
  }
  nlohmann::json result = Summarize(tallies, elapsed);
  result["clients"] = options.clients;
  result["call"] = options.call;
  result["rate"] = options.rate;
  return result;
}

}  // namespace crm::bench
