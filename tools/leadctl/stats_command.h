#ifndef CRM_TOOLS_LEADCTL_STATS_COMMAND_H_
#define CRM_TOOLS_LEADCTL_STATS_COMMAND_H_

#include <string>

#include <CLI/CLI.hpp>

#include "tools/leadctl/client.h"

namespace crm::leadctl {

struct StatsArgs {
  // Bounds of the creation period: a date YYYY-MM-DD (midnight in Madrid)
  // or an RFC 3339 time; empty for an open bound.
  std::string from;
  std::string to;
  // source, status, agent or campaign; empty means status.
  std::string group_by;
};

// Adds the stats command to `app`, filling `args` when it is parsed.
CLI::App* DefineStats(CLI::App& app, StatsArgs& args);

// Prints the indicators of the leads created in the period (GetLeadStats)
// as a table, or as one JSON object with --json. Returns the exit status.
int RunStats(LeadClient& client, const StatsArgs& args);

}  // namespace crm::leadctl

#endif  // CRM_TOOLS_LEADCTL_STATS_COMMAND_H_
