#ifndef CRM_TOOLS_BENCH_D_LEAD_DATA_H_
#define CRM_TOOLS_BENCH_D_LEAD_DATA_H_

#include <cstdint>
#include <string>

#include "crm/leads/v1/lead.pb.h"
#include "libs/eventlog/record.h"

namespace crm::bench {

// A realistic Spanish lead, the same for the same `seed` and `index`: a
// company with a valid CIF, a province whose postal code and phone prefix
// agree with it, a CNAE class, a contact person and consents.
leads::v1::Lead LeadAt(uint64_t seed, uint64_t index);

// The CIF check character of an entity letter and seven digits.
char CifControl(char letter, const std::string& digits);

// The record the service would append when creating LeadAt(seed, index):
// a normalised LeadCreated event at version 1 with its chain hash.
eventlog::Record CreatedRecordAt(uint64_t seed, uint64_t index);

}  // namespace crm::bench

#endif  // CRM_TOOLS_BENCH_D_LEAD_DATA_H_
