#include "tools/leadctl/lifecycle_command.h"

namespace crm::leadctl {

namespace {

using crm::leads::v1::Lead;

// Adds the options every lifecycle command takes.
CLI::App* AddCommand(CLI::App& app, const std::string& name,
                     const std::string& help, LifecycleArgs& args) {
  CLI::App* command = app.add_subcommand(name, help);
  command->add_option("id", args.id, "the lead's ID")->required();
  command->add_option("--expected-version", args.expected_version,
                      "act only if the lead is at this version");
  command->add_option("--request-id", args.request_id, "idempotency key");
  return command;
}

template <typename Request>
void Fill(const LifecycleArgs& args, Request* request) {
  request->set_id(args.id);
  request->set_request_id(args.request_id);
  if (args.expected_version >= 0) {
    request->set_expected_version(args.expected_version);
  }
}

// Runs one call and prints its reply, or reports its failure.
template <typename Call, typename Reply>
int Run(LeadClient& client, Call call, Reply* reply) {
  grpc::ClientContext context;
  client.Prepare(&context);
  grpc::Status status = call(&context);
  if (!status.ok()) return ReportError(status, client.options().server);
  return PrintJson(*reply);
}

}  // namespace

void LifecycleCommands::Define(CLI::App& app) {
  qualify_ =
      AddCommand(app, "qualify",
                 "qualify a lead, naming what to create downstream", args_);
  qualify_->add_option("--status", args_.status,
                       "a status of category "
                       "qualified (default: the first)");
  qualify_->add_flag("--account", args_.create_account,
                     "create an account from the company data");
  qualify_->add_flag("--contact", args_.create_contact,
                     "create a contact from the person data");
  qualify_->add_flag("--opportunity", args_.create_opportunity,
                     "create an opportunity");
  qualify_->add_option("--existing-customer", args_.existing_customer_id,
                       "ID of an existing account to link to");

  disqualify_ = AddCommand(app, "disqualify", "give up a lead", args_);
  disqualify_
      ->add_option("--reason", args_.reason,
                   "code of the disqualification reason")
      ->required();
  disqualify_->add_option("--status", args_.status,
                          "a status of category disqualified");

  reactivate_ =
      AddCommand(app, "reactivate",
                 "return a qualified or disqualified lead to open", args_);
  reactivate_->add_option("--status", args_.status, "an open status");
  archive_ =
      AddCommand(app, "archive", "hide a lead from default lists", args_);
  restore_ = AddCommand(app, "restore", "bring an archived lead back", args_);
  masters_ = app.add_subcommand("masters",
                                "print the statuses, sources, agents and "
                                "other masters");
}

int LifecycleCommands::RunIfParsed(LeadClient& client) {
  auto& stub = client.stub();
  Lead lead;
  if (qualify_->parsed()) {
    crm::leads::v1::QualifyLeadRequest request;
    Fill(args_, &request);
    request.set_status(args_.status);
    request.set_create_account(args_.create_account);
    request.set_create_contact(args_.create_contact);
    request.set_create_opportunity(args_.create_opportunity);
    request.set_existing_customer_id(args_.existing_customer_id);
    crm::leads::v1::QualifyLeadResponse reply;
    return Run(
        client,
        [&](grpc::ClientContext* c) {
          return stub.QualifyLead(c, request, &reply);
        },
        &reply);
  }
  if (disqualify_->parsed()) {
    crm::leads::v1::DisqualifyLeadRequest request;
    Fill(args_, &request);
    request.set_status(args_.status);
    request.set_reason(args_.reason);
    return Run(
        client,
        [&](grpc::ClientContext* c) {
          return stub.DisqualifyLead(c, request, &lead);
        },
        &lead);
  }
  if (reactivate_->parsed()) {
    crm::leads::v1::ReactivateLeadRequest request;
    Fill(args_, &request);
    request.set_status(args_.status);
    return Run(
        client,
        [&](grpc::ClientContext* c) {
          return stub.ReactivateLead(c, request, &lead);
        },
        &lead);
  }
  if (archive_->parsed()) {
    crm::leads::v1::ArchiveLeadRequest request;
    Fill(args_, &request);
    return Run(
        client,
        [&](grpc::ClientContext* c) {
          return stub.ArchiveLead(c, request, &lead);
        },
        &lead);
  }
  if (restore_->parsed()) {
    crm::leads::v1::RestoreLeadRequest request;
    Fill(args_, &request);
    return Run(
        client,
        [&](grpc::ClientContext* c) {
          return stub.RestoreLead(c, request, &lead);
        },
        &lead);
  }
  if (masters_->parsed()) {
    crm::leads::v1::ListMastersResponse reply;
    return Run(
        client,
        [&](grpc::ClientContext* c) {
          return stub.ListMasters(c, crm::leads::v1::ListMastersRequest(),
                                  &reply);
        },
        &reply);
  }
  return -1;
}

}  // namespace crm::leadctl
