#ifndef CRM_TOOLS_BENCH_D_LOAD_H_
#define CRM_TOOLS_BENCH_D_LOAD_H_

#include <cstdint>
#include <string>

#include <absl/status/statusor.h>
#include <absl/time/time.h>
#include <nlohmann/json.hpp>

namespace crm::bench {

// A closed-loop load on one LeadService call: `clients` threads, each
// sending its next call when the previous one answered, sharing one
// channel per `clients_per_channel` of them.
struct LoadOptions {
  std::string target;
  // "create", "get" or "list".
  std::string call = "create";
  int clients = 1;
  int clients_per_channel = 16;
  absl::Duration duration = absl::Seconds(3);
  // Calls per second over all clients; 0 sends as fast as answers come.
  double rate = 0;
  uint64_t seed = 1;
  // Distinguishes the request IDs of runs against the same service.
  std::string label = "load";
  // For "get": a file of lead IDs, one a line, asked in turn.
  std::string ids_file;
  // For "create": where to write the IDs of the created leads.
  std::string ids_out;
};

// Runs the load and returns its figures: calls, errors, seconds,
// per_second, p50_ms, p99_ms, first_error.
absl::StatusOr<nlohmann::json> RunLoad(const LoadOptions& options);

}  // namespace crm::bench

#endif  // CRM_TOOLS_BENCH_D_LOAD_H_
