// leadctl: a command-line client of the lead service (crm.leads.v1).
//
//   leadctl [--server ADDR] [--actor NAME] [--timeout S] [--json] COMMAND
//
// Commands: create, get, update, list, load, stats, qualify, disqualify,
// reactivate, archive, restore, masters, history, as-of, verify. Exit
// status: 0 on success, 1 when the service refuses a request (or some rows
// of a load), 2 for a bad command line or input file, or when the service
// cannot be reached.

#include <cstdint>
#include <string>

#include <CLI/CLI.hpp>

#include "tools/leadctl/client.h"
#include "tools/leadctl/commands.h"
#include "tools/leadctl/history_command.h"
#include "tools/leadctl/lifecycle_command.h"
#include "tools/leadctl/stats_command.h"

namespace crm::leadctl {
namespace {

constexpr char kSetHelp[] =
    "set a lead field from text, PATH=VALUE (repeatable): name=ACME, "
    "address.postal_code=28036, employees=12, allow_email=yes, "
    "preferred_contact=email, annual_revenue=\"1234.56 EUR\", "
    "created_at=2024-03-01 (midnight Madrid time) or RFC 3339";

void DefineGlobalOptions(CLI::App& app, ClientOptions& options) {
  app.add_option("--server", options.server, "lead service address")
      ->envname("CRM_LEADS_ADDR")
      ->capture_default_str();
  app.add_option("--actor", options.actor,
                 "who makes the change, sent as x-crm-actor");
  app.add_option("--timeout", options.timeout_s, "seconds per call")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  app.add_flag("--json", options.json,
               "list: print one JSON object a line instead of a table; "
               "stats: print JSON");
}

// A repeatable option taking one value per occurrence, so that a positional
// argument after it is not swallowed.
CLI::Option* AddRepeatable(CLI::App* command, const std::string& name,
                           std::vector<std::string>& values,
                           const std::string& help) {
  return command->add_option(name, values, help)
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

CLI::App* DefineCreate(CLI::App& app, CreateArgs& args) {
  CLI::App* command = app.add_subcommand("create", "register a lead");
  AddRepeatable(command, "--set", args.sets, kSetHelp);
  command->add_option("--request-id", args.request_id, "idempotency key");
  return command;
}

CLI::App* DefineGet(CLI::App& app, GetArgs& args) {
  CLI::App* command = app.add_subcommand("get", "print a lead");
  command->add_option("id", args.id, "the lead's ID")->required();
  command->add_option("--min-version", args.min_version,
                      "wait until the lead is at least at this version");
  return command;
}

CLI::App* DefineUpdate(CLI::App& app, UpdateArgs& args,
                       int64_t& expected_version,
                       CLI::Option*& expected_option) {
  CLI::App* command = app.add_subcommand("update", "change fields of a lead");
  command->add_option("id", args.id, "the lead's ID")->required();
  AddRepeatable(command, "--set", args.sets, kSetHelp);
  AddRepeatable(command, "--clear", args.clears,
                "clear a field or group of fields (repeatable)");
  expected_option =
      command->add_option("--expected-version", expected_version,
                          "change only if the lead is at this version");
  command->add_option("--request-id", args.request_id, "idempotency key");
  return command;
}

CLI::App* DefineList(CLI::App& app, ListArgs& args) {
  CLI::App* command = app.add_subcommand(
      "list", "list leads, filtered and ordered; --json for JSON Lines");
  command->add_option("--page-size", args.page_size,
                      "leads per page (default: the service's, 100)");
  command->add_option("--page-token", args.page_token,
                      "continue from a previous listing");
  command->add_flag("--all", args.all, "follow every page");
  const std::pair<const char*, std::string*> filters[] = {
      {"--status", &args.status},
      {"--source", &args.source},
      {"--agent", &args.agent},
      {"--campaign", &args.campaign},
      {"--interest-level", &args.interest_level},
      {"--name-prefix", &args.name_prefix},
      {"--email", &args.email},
      {"--phone", &args.phone},
      {"--tax-id", &args.tax_id}};
  for (const auto& [flag, value] : filters) {
    command->add_option(flag, *value, "only leads with this value");
  }
  command
      ->add_option("--archived", args.archived,
                   "active (default), archived or all")
      ->check(CLI::IsMember({"active", "archived", "all"}));
  command
      ->add_option("--order-by", args.order_by,
                   "created (default), modified, name or status")
      ->check(CLI::IsMember({"created", "modified", "name", "status"}));
  command->add_flag("--desc", args.descending, "newest or Z first");
  return command;
}

CLI::App* DefineLoad(CLI::App& app, LoadArgs& args) {
  CLI::App* command = app.add_subcommand(
      "load",
      "create a lead per row of a CSV file whose header names lead field "
      "paths; loading the same file again creates nothing new");
  command->add_option("file", args.file, "UTF-8 CSV file")
      ->required()
      ->check(CLI::ExistingFile);
  command
      ->add_option("--concurrency", args.concurrency,
                   "requests in flight at once")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  return command;
}

int Main(int argc, char** argv) {
  CLI::App app("leadctl: command-line client of the lead service");
  app.require_subcommand(1);
  // Global options may also follow the command ("leadctl list --json").
  app.fallthrough();
  ClientOptions options;
  DefineGlobalOptions(app, options);
  CreateArgs create_args;
  GetArgs get_args;
  UpdateArgs update_args;
  ListArgs list_args;
  LoadArgs load_args;
  StatsArgs stats_args;
  int64_t expected_version = 0;
  CLI::Option* expected_option = nullptr;
  CLI::App* create = DefineCreate(app, create_args);
  CLI::App* get = DefineGet(app, get_args);
  CLI::App* update =
      DefineUpdate(app, update_args, expected_version, expected_option);
  CLI::App* list = DefineList(app, list_args);
  DefineLoad(app, load_args);
  CLI::App* stats = DefineStats(app, stats_args);
  LifecycleCommands lifecycle;
  lifecycle.Define(app);
  HistoryCommands history;
  history.Define(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? kExitOk : kExitUsage;
  }

  LeadClient client(options);
  if (int status = lifecycle.RunIfParsed(client); status >= 0) return status;
  if (int status = history.RunIfParsed(client); status >= 0) return status;
  if (create->parsed()) return RunCreate(client, create_args);
  if (get->parsed()) return RunGet(client, get_args);
  if (update->parsed()) {
    if (expected_option->count() > 0) {
      update_args.expected_version = expected_version;
    }
    return RunUpdate(client, update_args);
  }
  if (list->parsed()) return RunList(client, list_args);
  if (stats->parsed()) return RunStats(client, stats_args);
  return RunLoad(client, load_args);
}

}  // namespace
}  // namespace crm::leadctl

int main(int argc, char** argv) { return crm::leadctl::Main(argc, argv); }
