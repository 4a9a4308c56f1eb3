#include "libs/eventlog/record.h"

#include <sodium.h>

#include <absl/strings/str_cat.h>
#include <google/protobuf/util/time_util.h>

namespace crm::eventlog {

namespace {

// The full protobuf name of the event's payload ("crm.leads.v1.LeadCreated").
std::string PayloadTypeName(const leads::v1::LeadEvent& event) {
  const auto* descriptor = leads::v1::LeadEvent::descriptor();
  const auto* field = descriptor->FindFieldByNumber(event.payload_case());
  if (field == nullptr) return "crm.leads.v1.LeadEvent";
  return field->message_type()->full_name();
}

}  // namespace

std::string ChainHash(absl::string_view previous_hash,
                      absl::string_view value) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(
      &state, reinterpret_cast<const unsigned char*>(previous_hash.data()),
      previous_hash.size());
  crypto_hash_sha256_update(
      &state, reinterpret_cast<const unsigned char*>(value.data()),
      value.size());
  std::string digest(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256_final(&state,
                           reinterpret_cast<unsigned char*>(digest.data()));
  return digest;
}

std::string Sha256(absl::string_view bytes) { return ChainHash("", bytes); }

std::string ToHex(absl::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    text.push_back(kHex[c >> 4]);
    text.push_back(kHex[c & 0x0f]);
  }
  return text;
}

Record MakeRecord(const leads::v1::LeadEvent& event, std::string value,
                  absl::string_view chain_hash, absl::string_view source) {
  using google::protobuf::util::TimeUtil;
  Record record;
  record.key = event.lead_id();
  record.value = std::move(value);
  record.timestamp_ms = TimeUtil::TimestampToMilliseconds(event.recorded_at());
  record.headers = {
      {std::string(kSpecVersionHeader), "1.0"},
      {std::string(kIdHeader), event.event_id()},
      {std::string(kSourceHeader), std::string(source)},
      {std::string(kTypeHeader), PayloadTypeName(event)},
      {std::string(kTimeHeader), TimeUtil::ToString(event.recorded_at())},
      {std::string(kSubjectHeader), event.lead_id()},
      {std::string(kContentTypeHeader), std::string(kContentType)},
      {std::string(kHashHeader), ToHex(chain_hash)},
  };
  return record;
}

absl::string_view HeaderValue(const Record& record, absl::string_view name) {
  for (const auto& [key, value] : record.headers) {
    if (key == name) return value;
  }
  return {};
}

}  // namespace crm::eventlog
