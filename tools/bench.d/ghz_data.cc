#include "tools/bench.d/ghz_data.h"

#include <fstream>

#include <google/protobuf/util/json_util.h>

#include "crm/leads/v1/lead_service.pb.h"
#include "tools/bench.d/lead_data.h"

namespace crm::bench {
namespace {

absl::StatusOr<nlohmann::json> ToJson(const google::protobuf::Message& m) {
  std::string text;
  if (!google::protobuf::util::MessageToJsonString(m, &text).ok()) {
    return absl::InternalError("cannot print " + m.GetTypeName());
  }
  return nlohmann::json::parse(text);
}

absl::StatusOr<nlohmann::json> CreateRequests(int count, uint64_t seed) {
  nlohmann::json requests = nlohmann::json::array();
  for (int i = 0; i < count; ++i) {
    leads::v1::CreateLeadRequest request;
    *request.mutable_lead() = LeadAt(seed, static_cast<uint64_t>(i));
    request.set_allow_duplicate(true);
    absl::StatusOr<nlohmann::json> json = ToJson(request);
    if (!json.ok()) return json.status();
    requests.push_back(*std::move(json));
  }
  return requests;
}

absl::StatusOr<nlohmann::json> GetRequests(const std::string& ids_file) {
  std::ifstream in(ids_file);
  if (!in) return absl::NotFoundError("cannot read " + ids_file);
  nlohmann::json requests = nlohmann::json::array();
  for (std::string id; std::getline(in, id);) {
    if (!id.empty()) requests.push_back({{"id", id}});
  }
  if (requests.empty()) requests.push_back({{"id", "none"}});
  return requests;
}

nlohmann::json ListRequests() {
  return nlohmann::json::array(
      {{{"pageSize", 20}},
       {{"pageSize", 20}, {"orderBy", "LEAD_ORDER_NAME"}},
       {{"pageSize", 20}, {"source", "web"}}});
}

// Nanoseconds of the latency at `percentage` in ghz's distribution.
double LatencyAt(const nlohmann::json& ghz, int percentage) {
  if (!ghz.contains("latencyDistribution") ||
      !ghz["latencyDistribution"].is_array()) {
    return 0;
  }
  for (const nlohmann::json& entry : ghz["latencyDistribution"]) {
    if (entry.value("percentage", 0) == percentage) {
      return entry.value("latency", 0.0);
    }
  }
  return 0;
}

}  // namespace

absl::StatusOr<nlohmann::json> GhzRequests(const std::string& call, int count,
                                           uint64_t seed,
                                           const std::string& ids_file) {
  if (call == "create") return CreateRequests(count, seed);
  if (call == "get") return GetRequests(ids_file);
  return ListRequests();
}

nlohmann::json FiguresFromGhz(const nlohmann::json& ghz) {
  int64_t ok = 0;
  int64_t errors = 0;
  if (ghz.contains("statusCodeDistribution")) {
    for (const auto& [code, n] : ghz["statusCodeDistribution"].items()) {
      (code == "OK" ? ok : errors) += n.get<int64_t>();
    }
  }
  std::string first_error;
  if (ghz.contains("errorDistribution") &&
      ghz["errorDistribution"].is_object() &&
      !ghz["errorDistribution"].empty()) {
    first_error = ghz["errorDistribution"].begin().key();
  }
  const double seconds = ghz.value("total", 0.0) / 1e9;
  nlohmann::json result;
  result["calls"] = ok;
  result["errors"] = errors;
  result["first_error"] = first_error;
  result["seconds"] = seconds;
  result["per_second"] = seconds > 0 ? ok / seconds : 0;
  result["p50_ms"] = LatencyAt(ghz, 50) / 1e6;
  result["p99_ms"] = LatencyAt(ghz, 99) / 1e6;
  return result;
}

}  // namespace crm::bench
