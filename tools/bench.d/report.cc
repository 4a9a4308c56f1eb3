#include "tools/bench.d/report.h"

#include <unistd.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <vector>

#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <absl/time/clock.h>
#include <nlohmann/json.hpp>
#include <sys/utsname.h>

namespace crm::bench {
namespace {

using nlohmann::json;

// One row of the table: a measurement of the service and its ceiling, the
// same measurement of what the service is built on.
struct Figure {
  std::string name;
  std::string unit;
  // File (without .json) and key of the value; empty when the service
  // cannot be measured on it yet.
  std::string file;
  std::string key;
  std::string ceiling_file;
  std::string ceiling_name;
};

std::vector<Figure> Figures() {
  std::vector<Figure> figures;
  for (const char* clients : {"1", "16", "64"}) {
    const std::string file = absl::StrCat("create-service-", clients);
    const std::string ceiling = absl::StrCat("create-noop-", clients);
    const std::string who = absl::StrCat(
        clients, " client", std::string(clients) == "1" ? "" : "s");
    figures.push_back({absl::StrCat("CreateLead, ", who), "commands/s", file,
                       "per_second", ceiling, "no-op CreateLead"});
    figures.push_back({absl::StrCat("CreateLead p50, ", who), "ms", file,
                       "p50_ms", ceiling, "no-op CreateLead"});
    figures.push_back({absl::StrCat("CreateLead p99, ", who), "ms", file,
                       "p99_ms", ceiling, "no-op CreateLead"});
  }
  figures.push_back({"CreateLead p99 at half the 64-client rate", "ms",
                     "create-service-half", "p99_ms", "create-noop-half",
                     "no-op CreateLead at the same rate"});
  figures.push_back({"GetLead, 64 clients", "queries/s", "get-service",
                     "per_second", "get-noop", "no-op GetLead"});
  figures.push_back({"ListLeads (20 a page), 64 clients", "queries/s",
                     "list-service", "per_second", "list-noop",
                     "no-op ListLeads"});
  figures.push_back({"Projector replay to SERVING", "events/s", "replay",
                     "per_second", "read-raw", "raw librdkafka read"});
  figures.push_back({"EventProducer appends, 64 threads", "events/s",
                     "produce-eventlog", "per_second", "produce-raw",
                     "raw librdkafka produce"});
  figures.push_back({"As-of query latency", "ms", "", "", "", ""});
  figures.push_back({"CSV import", "rows/s", "", "", "", ""});
  figures.push_back({"Memory at 1M leads", "MiB", "", "", "", ""});
  return figures;
}

std::optional<json> Load(const std::string& dir, const std::string& file) {
  if (file.empty()) return std::nullopt;
  std::ifstream in(absl::StrCat(dir, "/", file, ".json"));
  if (!in) return std::nullopt;
  json value = json::parse(in, nullptr, false);
  if (value.is_discarded()) return std::nullopt;
  return value;
}

std::optional<double> Number(const std::optional<json>& measurement,
                             const std::string& key) {
  if (!measurement || !measurement->contains(key)) return std::nullopt;
  const json& value = (*measurement)[key];
  if (!value.is_number()) return std::nullopt;
  return value.get<double>();
}

std::string Format(std::optional<double> value, const std::string& unit) {
  if (!value) return "not measured yet";
  if (unit == "ms") return absl::StrFormat("%.2f", *value);
  return absl::StrFormat("%.0f", *value);
}

json Row(const ReportOptions& options, const Figure& figure) {
  const std::optional<json> measured = Load(options.dir, figure.file);
  const std::optional<double> value = Number(measured, figure.key);
  const std::optional<double> ceiling =
      Number(Load(options.dir, figure.ceiling_file), figure.key);
  json row;
  row["figure"] = figure.name;
  row["unit"] = figure.unit;
  row["value"] = value ? json(*value) : json(nullptr);
  row["ceiling"] = ceiling ? json(*ceiling) : json(nullptr);
  row["ceiling_is"] = figure.ceiling_name;
  row["ratio"] = value && ceiling && *ceiling > 0 ? json(*value / *ceiling)
                                                  : json(nullptr);
  row["errors"] = measured ? measured->value("errors", 0) : 0;
  return row;
}

std::string FirstLine(const std::string& path, const std::string& prefix) {
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (absl::StartsWith(line, prefix)) {
      const size_t colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown";
}

json Machine() {
  utsname names{};
  uname(&names);
  json machine;
  machine["nproc"] = sysconf(_SC_NPROCESSORS_ONLN);
  machine["cpu"] = FirstLine("/proc/cpuinfo", "model name");
  machine["kernel"] = absl::StrCat(names.sysname, " ", names.release);
  return machine;
}

// The row of the figure named `name`; null when there is none.
json RowNamed(const json& rows, const std::string& name) {
  for (const json& row : rows) {
    if (row["figure"] == name) return row;
  }
  return nullptr;
}

// Whether `key` of the row named `name` is at least (or at most) `bound`.
std::string Check(const json& rows, const std::string& name,
                  const std::string& key, double bound, bool at_least) {
  const json row = RowNamed(rows, name);
  if (row.is_null() || row[key].is_null()) return "not measured";
  const double value = row[key].get<double>();
  return (at_least ? value >= bound : value <= bound) ? "met" : "not met";
}

// The project's targets, checked against the rows.
json Targets(const json& rows) {
  json targets = json::array();
  auto add = [&](const std::string& target, const std::string& status) {
    targets.push_back({{"target", target}, {"status", status}});
  };
  add("CreateLead at 64 clients >= 0.5 x ceiling",
      Check(rows, "CreateLead, 64 clients", "ratio", 0.5, true));
  add("CreateLead p99 <= 10 ms at half the 64-client rate",
      Check(rows, "CreateLead p99 at half the 64-client rate", "value", 10,
            false));
  add("GetLead >= 0.8 x ceiling",
      Check(rows, "GetLead, 64 clients", "ratio", 0.8, true));
  add("ListLeads >= 0.8 x ceiling",
      Check(rows, "ListLeads (20 a page), 64 clients", "ratio", 0.8, true));
  add("replay >= 0.5 x raw read",
      Check(rows, "Projector replay to SERVING", "ratio", 0.5, true));
  return targets;
}

std::string Markdown(const json& report) {
  std::ostringstream out;
  const json& machine = report["machine"];
  out << "# crm-leads benchmark (" << report["mode"].get<std::string>()
      << ")\n\n`" << report["command"].get<std::string>() << "` at "
      << report["time"].get<std::string>() << " on "
      << machine["nproc"].get<int>() << " × "
      << machine["cpu"].get<std::string>() << ", "
      << machine["kernel"].get<std::string>() << "; gRPC load from "
      << report["generator"].get<std::string>() << ".\n\n"
      << "| figure | unit | value | ceiling | ratio | ceiling is |\n"
      << "|---|---|---:|---:|---:|---|\n";
  for (const json& row : report["figures"]) {
    auto number = [&](const char* key) {
      const json& v = row[key];
      return Format(
          v.is_null() ? std::nullopt : std::optional<double>(v.get<double>()),
          row["unit"].get<std::string>());
    };
    const std::string ratio =
        row["ratio"].is_null()
            ? "-"
            : absl::StrFormat("%.2f", row["ratio"].get<double>());
    out << "| " << row["figure"].get<std::string>() << " | "
        << row["unit"].get<std::string>() << " | " << number("value") << " | "
        << (row["ceiling"].is_null() ? "-" : number("ceiling")) << " | "
        << ratio << " | " << row["ceiling_is"].get<std::string>() << " |\n";
  }
  out << "\nTargets:\n\n";
  for (const json& target : report["targets"]) {
    out << "- " << target["target"].get<std::string>() << ": "
        << target["status"].get<std::string>() << "\n";
  }
  return out.str();
}

}  // namespace

absl::Status WriteReport(const ReportOptions& options) {
  json report;
  report["mode"] = options.mode;
  report["generator"] = options.generator;
  report["command"] = options.command;
  report["time"] =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::Now(), absl::UTCTimeZone());
  report["machine"] = Machine();
  report["figures"] = json::array();
  for (const Figure& figure : Figures()) {
    report["figures"].push_back(Row(options, figure));
  }
  report["targets"] = Targets(report["figures"]);
  std::ofstream(options.json_out) << report.dump(2) << "\n";
  std::ofstream markdown(options.markdown_out);
  markdown << Markdown(report);
  if (!markdown) {
    return absl::InternalError("cannot write " + options.markdown_out);
  }
  return absl::OkStatus();
}

}  // namespace crm::bench
