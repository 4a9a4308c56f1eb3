#ifndef CRM_TOOLS_BENCH_D_GHZ_DATA_H_
#define CRM_TOOLS_BENCH_D_GHZ_DATA_H_

#include <string>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

namespace crm::bench {

// The requests ghz sends in turn, as its JSON array: `count` distinct
// CreateLead requests (allow_duplicate, no request ID, so every call
// creates a lead), GetLead requests for the IDs in `ids_file`, or the
// ListLeads variants the C++ client sends.
absl::StatusOr<nlohmann::json> GhzRequests(const std::string& call, int count,
                                           uint64_t seed,
                                           const std::string& ids_file);

// The figures of a ghz JSON report in the form RunLoad gives them.
nlohmann::json FiguresFromGhz(const nlohmann::json& ghz);

}  // namespace crm::bench

#endif  // CRM_TOOLS_BENCH_D_GHZ_DATA_H_
