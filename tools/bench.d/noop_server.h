#ifndef CRM_TOOLS_BENCH_D_NOOP_SERVER_H_
#define CRM_TOOLS_BENCH_D_NOOP_SERVER_H_

#include <string>

namespace crm::bench {

// Serves LeadService on `listen` doing no work: CreateLead returns the
// request's lead, GetLead a fixed realistic lead and ListLeads a page of 20
// of them, so that messages have the sizes the real service sends. Writes
// the bound port to `port_file` and serves until SIGINT or SIGTERM.
// Returns the process exit code.
int ServeNoop(const std::string& listen, const std::string& port_file);

}  // namespace crm::bench

#endif  // CRM_TOOLS_BENCH_D_NOOP_SERVER_H_
