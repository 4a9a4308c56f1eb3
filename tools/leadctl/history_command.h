#ifndef CRM_TOOLS_LEADCTL_HISTORY_COMMAND_H_
#define CRM_TOOLS_LEADCTL_HISTORY_COMMAND_H_

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "tools/leadctl/client.h"

namespace crm::leadctl {

// The commands on a lead's past: history (every event and what it
// changed, as a table), as-of (the lead at a version or a time, as JSON)
// and verify (the hash chain checked against the topic).
class HistoryCommands {
 public:
  void Define(CLI::App& app);

  // The exit status of the parsed command, or -1 when none of these was
  // parsed. verify exits with kExitRefused when the chain has problems.
  int RunIfParsed(LeadClient& client);

 private:
  int RunHistory(LeadClient& client);
  int RunAsOf(LeadClient& client);
  int RunVerify(LeadClient& client);

  std::string id_;
  // as-of: an RFC 3339 time with a UTC offset, or a version.
  std::string at_;
  bool effective_ = false;
  int64_t version_ = 0;
  CLI::App* history_ = nullptr;
  CLI::App* as_of_ = nullptr;
  CLI::App* verify_ = nullptr;
};

}  // namespace crm::leadctl

#endif  // CRM_TOOLS_LEADCTL_HISTORY_COMMAND_H_
