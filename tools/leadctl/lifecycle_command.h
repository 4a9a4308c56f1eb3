#ifndef CRM_TOOLS_LEADCTL_LIFECYCLE_COMMAND_H_
#define CRM_TOOLS_LEADCTL_LIFECYCLE_COMMAND_H_

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "tools/leadctl/client.h"

namespace crm::leadctl {

// The lifecycle commands (qualify, disqualify, reactivate, archive,
// restore) and masters, which share one set of arguments.
struct LifecycleArgs {
  std::string id;
  std::string status;
  std::string reason;
  bool create_account = false;
  bool create_contact = false;
  bool create_opportunity = false;
  std::string existing_customer_id;
  int64_t expected_version = -1;  // -1: no check
  std::string request_id;
};

// Defines these commands on an app, then runs the one that was parsed.
class LifecycleCommands {
 public:
  void Define(CLI::App& app);

  // The exit status of the parsed command, or -1 when none of these was
  // parsed.
  int RunIfParsed(LeadClient& client);

 private:
  LifecycleArgs args_;
  CLI::App* qualify_ = nullptr;
  CLI::App* disqualify_ = nullptr;
  CLI::App* reactivate_ = nullptr;
  CLI::App* archive_ = nullptr;
  CLI::App* restore_ = nullptr;
  CLI::App* masters_ = nullptr;
};

}  // namespace crm::leadctl

#endif  // CRM_TOOLS_LEADCTL_LIFECYCLE_COMMAND_H_
