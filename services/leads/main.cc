// leads-service: the lead service's executable. Opens the read model, makes
// sure the lead topic keeps every event, starts the projector, and serves
// LeadService over gRPC with health and reflection until SIGINT or SIGTERM.

#include <signal.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>

#include <CLI/CLI.hpp>
#include <absl/strings/str_split.h>
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <spdlog/spdlog.h>

#include "grpc/health/v1/health.pb.h"
#include "libs/eventlog/consumer.h"
#include "libs/eventlog/producer.h"
#include "libs/eventlog/topic_admin.h"
#include "libs/store/read_model.h"
#include "services/leads/lead_service.h"
#include "services/leads/masters_config.h"
#include "services/leads/projector.h"
#include "services/leads/rebuild.h"

namespace crm::leads {
namespace {

struct Flags {
  std::string listen = "127.0.0.1:50051";
  std::string data_dir = "var/leads";
  std::string port_file;
  std::string masters_file;
  double command_timeout_s = 10;
  int64_t snapshot_every = 100;
  bool rebuild = false;
  std::vector<std::string> kafka_properties;
  eventlog::KafkaOptions kafka;
};

void DefineFlags(CLI::App& app, Flags& flags) {
  app.add_option("--listen", flags.listen, "gRPC address (host:port)")
      ->envname("CRM_LEADS_LISTEN")
      ->capture_default_str();
  app.add_option("--data-dir", flags.data_dir, "directory of the read model")
      ->envname("CRM_LEADS_DATA_DIR")
      ->capture_default_str();
  app.add_option("--brokers", flags.kafka.brokers, "Kafka bootstrap servers")
      ->envname("CRM_KAFKA_BROKERS")
      ->capture_default_str();
  app.add_option("--topic", flags.kafka.topic, "lead event topic")
      ->envname("CRM_LEADS_TOPIC")
      ->capture_default_str();
  app.add_option("--partitions", flags.kafka.partitions,
                 "partitions of the topic when it is created")
      ->capture_default_str();
  app.add_option("--replication-factor", flags.kafka.replication_factor,
                 "replicas of the topic when it is created")
      ->capture_default_str();
  app.add_option("--kafka-property", flags.kafka_properties,
                 "extra librdkafka setting NAME=VALUE (repeatable), e.g. "
                 "security.protocol=SASL_SSL");
  app.add_option("--command-timeout", flags.command_timeout_s,
                 "seconds a command may take when the caller sets no "
                 "deadline")
      ->capture_default_str();
  app.add_option("--masters", flags.masters_file,
                 "JSON file of the masters (statuses, sources, ...); the "
                 "built-in defaults when not given")
      ->envname("CRM_LEADS_MASTERS");
  app.add_flag("--rebuild", flags.rebuild,
               "before serving, project the whole topic into a fresh read "
               "model, compare it with the current one by digest, and use "
               "it (the service must not be running on this data directory)");
  app.add_option("--snapshot-every", flags.snapshot_every,
                 "store a snapshot of a lead after every N-th event of it, "
                 "to bound the cost of as-of reads; 0 stores none")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--port-file", flags.port_file,
                 "write the bound gRPC port to this file once serving");
}

absl::Status ParseKafkaProperties(Flags& flags) {
  for (const std::string& property : flags.kafka_properties) {
    std::pair<std::string, std::string> pair =
        absl::StrSplit(property, absl::MaxSplits('=', 1));
    if (pair.first.empty() || property.find('=') == std::string::npos) {
      return absl::InvalidArgumentError(
          "--kafka-property must be NAME=VALUE: " + property);
    }
    flags.kafka.properties.push_back(std::move(pair));
  }
  return absl::OkStatus();
}

// Blocks the stop signals in every thread; main waits for them.
sigset_t StopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

// Turns health to SERVING once the projector has caught up.
void ReportHealthWhenReady(grpc::Server* server, const Projector* projector,
                           const std::atomic<bool>* stopping) {
  while (!projector->caught_up() && !*stopping) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  if (*stopping) return;
  server->GetHealthCheckService()->SetServingStatus(true);
  server->GetHealthCheckService()->SetServingStatus("crm.leads.v1.LeadService",
                                                    true);
}

// Rebuilds the read model from the topic and reports how it compares.
bool Rebuild(const Flags& flags, int partitions) {
  spdlog::info("rebuilding the read model from offset 0");
  absl::StatusOr<RebuildReport> report = RebuildReadModel(
      flags.data_dir, flags.kafka, partitions, flags.snapshot_every);
  if (!report.ok()) {
    spdlog::error("rebuild failed: {}", std::string(report.status().message()));
    return false;
  }
  const double seconds = absl::ToDoubleSeconds(report->took);
  spdlog::info(
      "rebuilt the read model: {} events in {:.2f} s ({:.0f} events/s); "
      "digest live {} rebuilt {}: {}; the previous one is kept at {}",
      report->events, seconds, seconds > 0 ? report->events / seconds : 0.0,
      report->live_digest, report->rebuilt_digest,
      report->live_digest == report->rebuilt_digest ? "equal" : "DIFFERENT",
      report->replaced_path);
  return true;
}

int Serve(Flags& flags) {
  const sigset_t signals = StopSignals();
  if (absl::Status s = ParseKafkaProperties(flags); !s.ok()) {
    spdlog::error("{}", std::string(s.message()));
    return 2;
  }

  absl::StatusOr<MasterCatalog> masters = LoadMasters(flags.masters_file);
  if (!masters.ok()) {
    spdlog::error("refusing to start: {}",
                  std::string(masters.status().message()));
    return 2;
  }

  auto topic = eventlog::EnsureEventTopic(flags.kafka, absl::Seconds(15));
  if (!topic.ok()) {
    spdlog::error("refusing to start: {}",
                  std::string(topic.status().message()));
    return 1;
  }
  spdlog::info("topic {} has {} partitions", flags.kafka.topic,
               topic->partitions);

  std::filesystem::create_directories(flags.data_dir);
  if (flags.rebuild && !Rebuild(flags, topic->partitions)) return 1;
  auto model = store::ReadModel::Open(flags.data_dir + "/readmodel");
  if (!model.ok()) {
    spdlog::error("{}", std::string(model.status().message()));
    return 1;
  }

  auto offsets = (*model)->Offsets();
  if (!offsets.ok()) {
    spdlog::error("{}", std::string(offsets.status().message()));
    return 1;
  }
  auto consumer =
      eventlog::EventConsumer::Create(flags.kafka, topic->partitions, *offsets);
  auto producer = eventlog::EventProducer::Create(flags.kafka);
  if (!consumer.ok() || !producer.ok()) {
    spdlog::error("cannot reach Kafka: {} {}",
                  std::string(consumer.status().message()),
                  std::string(producer.status().message()));
    return 1;
  }
  auto ends = (*consumer)->EndOffsets(absl::Seconds(15));
  if (!ends.ok()) {
    spdlog::error("{}", std::string(ends.status().message()));
    return 1;
  }

  AppliedEvents applied;
  Projector projector(model->get(), &applied, flags.snapshot_every);
  projector.Start(*std::move(consumer), *ends);

  const absl::Duration timeout = absl::Seconds(flags.command_timeout_s);
  LeadCommands commands(model->get(), producer->get(), &applied, &*masters,
                        LeadCommands::Options{});
  LeadServiceImpl service(
      model->get(), &commands, &applied, &*masters,
      [&projector] { return projector.caught_up(); }, timeout);
  service.EnableVerification(flags.kafka, topic->partitions);

  // Linking the health messages in lets reflection describe them.
  grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort(flags.listen, grpc::InsecureServerCredentials(),
                           &port);
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  if (!server || port == 0) {
    spdlog::error("cannot listen on {}", flags.listen);
    return 1;
  }
  server->GetHealthCheckService()->SetServingStatus(false);
  server->GetHealthCheckService()->SetServingStatus("crm.leads.v1.LeadService",
                                                    false);
  if (!flags.port_file.empty()) std::ofstream(flags.port_file) << port << "\n";
  spdlog::info("leads-service listening on {} (port {})", flags.listen, port);

  std::atomic<bool> stopping{false};
  std::thread health(ReportHealthWhenReady, server.get(), &projector,
                     &stopping);
  int signal = 0;
  sigwait(&signals, &signal);
  spdlog::info("stopping on signal {}", signal);
  stopping = true;
  health.join();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(5));
  projector.Stop();
  return 0;
}

}  // namespace
}  // namespace crm::leads

int main(int argc, char** argv) {
  CLI::App app("leads-service: the event-sourced lead service");
  crm::leads::Flags flags;
  crm::leads::DefineFlags(app, flags);
  CLI11_PARSE(app, argc, argv);
  return crm::leads::Serve(flags);
}
