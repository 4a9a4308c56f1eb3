#ifndef CRM_TOOLS_LEADCTL_COMMANDS_H_
#define CRM_TOOLS_LEADCTL_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tools/leadctl/client.h"

// The commands of leadctl. Each returns the process's exit status (see
// client.h) and prints what it reports: results to stdout, errors to stderr.
namespace crm::leadctl {

struct CreateArgs {
  std::vector<std::string> sets;  // "PATH=VALUE"
  std::string request_id;
};

// Registers a lead with the given field values; prints it as JSON.
int RunCreate(LeadClient& client, const CreateArgs& args);

struct GetArgs {
  std::string id;
  int64_t min_version = 0;
};

// Prints one lead as JSON.
int RunGet(LeadClient& client, const GetArgs& args);

struct UpdateArgs {
  std::string id;
  std::vector<std::string> sets;  // "PATH=VALUE"
  std::vector<std::string> clears;
  std::optional<int64_t> expected_version;
  std::string request_id;
};

// Changes the fields set or cleared, naming each in the update mask; prints
// the lead as changed.
int RunUpdate(LeadClient& client, const UpdateArgs& args);

struct ListArgs {
  int32_t page_size = 0;  // 0: the service's default
  std::string page_token;
  bool all = false;
  // Filters, as ListLeadsRequest names them; empty means no filter.
  std::string status;
  std::string source;
  std::string agent;
  std::string campaign;
  std::string interest_level;
  std::string name_prefix;
  std::string email;
  std::string phone;
  std::string tax_id;
  std::string archived;  // active (default), archived or all
  std::string order_by;  // created (default), modified, name or status
  bool descending = false;
};

// Prints leads as a table, or one JSON object a line with --json; then the
// number of leads listed and the total (to stderr with --json, so stdout
// stays JSON Lines).
int RunList(LeadClient& client, const ListArgs& args);

struct LoadArgs {
  std::string file;
  int concurrency = 8;
};

// Creates a lead from each row of a CSV file whose header names lead field
// paths; see load_command.cc.
int RunLoad(LeadClient& client, const LoadArgs& args);

}  // namespace crm::leadctl

#endif  // CRM_TOOLS_LEADCTL_COMMANDS_H_
