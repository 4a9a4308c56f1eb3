// crm-bench: the drivers of tools/bench. Each subcommand makes one
// measurement and writes its figures as JSON; `report` turns a directory of
// them into the results table.

#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "tools/bench.d/ghz_data.h"
#include "tools/bench.d/kafka_bench.h"
#include "tools/bench.d/lead_data.h"
#include "tools/bench.d/load.h"
#include "tools/bench.d/noop_server.h"
#include "tools/bench.d/report.h"

namespace crm::bench {
namespace {

struct Flags {
  std::string out;
  std::string listen = "127.0.0.1:0";
  std::string port_file;
  LoadOptions load;
  double seconds = 3;
  eventlog::KafkaOptions kafka;
  std::string raw_topic;
  std::string raw_out;
  int64_t events = 1000;
  int threads = 64;
  std::string service_bin;
  std::string data_dir;
  ReportOptions report;
  std::string in;
  int count = 1000;
};

int Finish(const absl::StatusOr<nlohmann::json>& result,
           const std::string& out) {
  if (!result.ok()) {
    std::cerr << "crm-bench: " << result.status() << "\n";
    return 1;
  }
  std::cout << result->dump() << "\n";
  if (!out.empty()) std::ofstream(out) << result->dump(2) << "\n";
  return 0;
}

void AddKafka(CLI::App* command, Flags& flags) {
  command->add_option("--brokers", flags.kafka.brokers)->required();
  command->add_option("--topic", flags.kafka.topic)->required();
  command->add_option("--partitions", flags.kafka.partitions)
      ->capture_default_str();
  command->add_option("--out", flags.out, "file for the figures (JSON)");
}

int Produce(Flags& flags) {
  std::vector<eventlog::Record> records;
  records.reserve(flags.events);
  for (int64_t i = 0; i < flags.events; ++i) {
    records.push_back(CreatedRecordAt(flags.load.seed, i));
  }
  if (int code = Finish(
          ProduceWithEventLog(flags.kafka, records, flags.threads), flags.out);
      code != 0) {
    return code;
  }
  eventlog::KafkaOptions raw = flags.kafka;
  raw.topic = flags.raw_topic;
  return Finish(ProduceRaw(raw, records), flags.raw_out);
}

void DefineLoad(CLI::App& app, Flags& flags) {
  CLI::App* load = app.add_subcommand("load", "closed-loop gRPC load");
  load->add_option("--target", flags.load.target)->required();
  load->add_option("--call", flags.load.call)
      ->check(CLI::IsMember({"create", "get", "list"}));
  load->add_option("--clients", flags.load.clients)->capture_default_str();
  load->add_option("--clients-per-channel", flags.load.clients_per_channel)
      ->capture_default_str();
  load->add_option("--seconds", flags.seconds)->capture_default_str();
  load->add_option("--rate", flags.load.rate, "calls/s; 0 for no pacing");
  load->add_option("--seed", flags.load.seed)->capture_default_str();
  load->add_option("--label", flags.load.label, "request ID prefix");
  load->add_option("--ids-file", flags.load.ids_file, "lead IDs to get");
  load->add_option("--ids-out", flags.load.ids_out, "append created IDs");
  load->add_option("--out", flags.out, "file for the figures (JSON)");
  load->callback([&flags] {
    flags.load.duration = absl::Seconds(flags.seconds);
    throw CLI::RuntimeError(Finish(RunLoad(flags.load), flags.out));
  });
}

void DefineKafka(CLI::App& app, Flags& flags) {
  CLI::App* produce = app.add_subcommand(
      "produce", "EventProducer appends, then the same records raw");
  AddKafka(produce, flags);
  produce->add_option("--raw-topic", flags.raw_topic)->required();
  produce->add_option("--raw-out", flags.raw_out);
  produce->add_option("--events", flags.events)->capture_default_str();
  produce->add_option("--threads", flags.threads)->capture_default_str();
  produce->add_option("--seed", flags.load.seed)->capture_default_str();
  produce->callback([&flags] { throw CLI::RuntimeError(Produce(flags)); });

  CLI::App* read = app.add_subcommand("read-raw", "read a topic raw");
  AddKafka(read, flags);
  read->callback([&flags] {
    throw CLI::RuntimeError(Finish(ReadRaw(flags.kafka), flags.out));
  });

  CLI::App* replay =
      app.add_subcommand("replay", "time a fresh service to SERVING");
  AddKafka(replay, flags);
  replay->add_option("--service-bin", flags.service_bin)->required();
  replay->add_option("--data-dir", flags.data_dir)->required();
  replay->callback([&flags] {
    throw CLI::RuntimeError(Finish(
        TimeReplay(flags.service_bin, flags.kafka, flags.data_dir), flags.out));
  });
}

int ConvertGhz(const Flags& flags) {
  std::ifstream in(flags.in);
  nlohmann::json ghz = nlohmann::json::parse(in, nullptr, false);
  if (ghz.is_discarded()) {
    return Finish(absl::InvalidArgumentError("unreadable " + flags.in),
                  flags.out);
  }
  nlohmann::json figures = FiguresFromGhz(ghz);
  figures["clients"] = flags.load.clients;
  figures["rate"] = flags.load.rate;
  return Finish(figures, flags.out);
}

void DefineGhz(CLI::App& app, Flags& flags) {
  CLI::App* requests =
      app.add_subcommand("ghz-requests", "the requests ghz sends, as JSON");
  requests->add_option("--call", flags.load.call)
      ->check(CLI::IsMember({"create", "get", "list"}));
  requests->add_option("--count", flags.count)->capture_default_str();
  requests->add_option("--seed", flags.load.seed)->capture_default_str();
  requests->add_option("--ids-file", flags.load.ids_file);
  requests->add_option("--out", flags.out)->required();
  requests->callback([&flags] {
    absl::StatusOr<nlohmann::json> json = GhzRequests(
        flags.load.call, flags.count, flags.load.seed, flags.load.ids_file);
    if (json.ok()) std::ofstream(flags.out) << json->dump() << "\n";
    if (!json.ok()) std::cerr << "crm-bench: " << json.status() << "\n";
    throw CLI::RuntimeError(json.ok() ? 0 : 1);
  });

  CLI::App* convert =
      app.add_subcommand("from-ghz", "figures of a ghz JSON report");
  convert->add_option("--in", flags.in)->required();
  convert->add_option("--out", flags.out)->required();
  convert->add_option("--clients", flags.load.clients);
  convert->add_option("--rate", flags.load.rate);
  convert->callback([&flags] { throw CLI::RuntimeError(ConvertGhz(flags)); });
}

void DefineOthers(CLI::App& app, Flags& flags) {
  CLI::App* noop = app.add_subcommand("serve-noop", "no-op LeadService");
  noop->add_option("--listen", flags.listen)->capture_default_str();
  noop->add_option("--port-file", flags.port_file);
  noop->callback([&flags] {
    throw CLI::RuntimeError(ServeNoop(flags.listen, flags.port_file));
  });

  CLI::App* report = app.add_subcommand("report", "write the results table");
  report->add_option("--dir", flags.report.dir)->required();
  report->add_option("--markdown", flags.report.markdown_out)->required();
  report->add_option("--json", flags.report.json_out)->required();
  report->add_option("--mode", flags.report.mode)->required();
  report->add_option("--generator", flags.report.generator)->required();
  report->add_option("--command", flags.report.command)->required();
  report->callback([&flags] {
    absl::Status status = WriteReport(flags.report);
    if (!status.ok()) std::cerr << "crm-bench: " << status << "\n";
    throw CLI::RuntimeError(status.ok() ? 0 : 1);
  });
}

}  // namespace
}  // namespace crm::bench

int main(int argc, char** argv) {
  CLI::App app("crm-bench: measurements for tools/bench");
  app.require_subcommand(1);
  crm::bench::Flags flags;
  crm::bench::DefineLoad(app, flags);
  crm::bench::DefineKafka(app, flags);
  crm::bench::DefineGhz(app, flags);
  crm::bench::DefineOthers(app, flags);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
