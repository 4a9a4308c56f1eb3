#ifndef CRM_TOOLS_BENCH_D_REPORT_H_
#define CRM_TOOLS_BENCH_D_REPORT_H_

#include <string>

#include <absl/status/status.h>

namespace crm::bench {

struct ReportOptions {
  // Directory of the figures of one run, one JSON file per measurement.
  std::string dir;
  std::string markdown_out;
  std::string json_out;
  // "quick", "full" or "smoke".
  std::string mode;
  // What drove the gRPC load.
  std::string generator;
  // The command that made the run.
  std::string command;
};

// Writes the results table (every figure, its ceiling and their ratio, the
// machine and the targets) as Markdown and as JSON. A figure whose
// measurement is missing is reported as not measured.
absl::Status WriteReport(const ReportOptions& options);

}  // namespace crm::bench

#endif  // CRM_TOOLS_BENCH_D_REPORT_H_
