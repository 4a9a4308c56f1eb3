#ifndef CRM_LIBS_EVENTLOG_RECORD_H_
#define CRM_LIBS_EVENTLOG_RECORD_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <absl/strings/string_view.h>

#include "crm/leads/v1/events.pb.h"

namespace crm::eventlog {

// Header names of a lead topic record (docs/events.md): the CloudEvents
// Kafka binding in binary mode, plus the event's chain hash.
inline constexpr absl::string_view kSpecVersionHeader = "ce_specversion";
inline constexpr absl::string_view kIdHeader = "ce_id";
inline constexpr absl::string_view kSourceHeader = "ce_source";
inline constexpr absl::string_view kTypeHeader = "ce_type";
inline constexpr absl::string_view kTimeHeader = "ce_time";
inline constexpr absl::string_view kSubjectHeader = "ce_subject";
inline constexpr absl::string_view kContentTypeHeader = "content-type";
inline constexpr absl::string_view kHashHeader = "crm_event_hash";

// The content type of every record value.
inline constexpr absl::string_view kContentType =
    "application/protobuf; messageType=\"crm.leads.v1.LeadEvent\"";

using Headers = std::vector<std::pair<std::string, std::string>>;

// A Kafka record, as written or as read back.
struct Record {
  std::string key;
  std::string value;
  Headers headers;
  int64_t timestamp_ms = 0;
  int32_t partition = -1;
  int64_t offset = -1;
};

// SHA-256 over `previous_hash` followed by `value`: the chain value of an
// event whose record value is `value` (32 raw bytes).
std::string ChainHash(absl::string_view previous_hash, absl::string_view value);

// SHA-256 of `bytes` (32 raw bytes).
std::string Sha256(absl::string_view bytes);

// Lower-case hexadecimal form of `bytes`.
std::string ToHex(absl::string_view bytes);

// The record for `event`: key = lead ID, value = the event's bytes, headers
// as above with ce_source = `source`. `chain_hash` is ChainHash over the
// event's previous_hash and those bytes.
Record MakeRecord(const leads::v1::LeadEvent& event, std::string value,
                  absl::string_view chain_hash, absl::string_view source);

// The value of the first header named `name`, or empty.
absl::string_view HeaderValue(const Record& record, absl::string_view name);

}  // namespace crm::eventlog

#endif  // CRM_LIBS_EVENTLOG_RECORD_H_
