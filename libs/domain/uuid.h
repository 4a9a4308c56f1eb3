#ifndef CRM_LIBS_DOMAIN_UUID_H_
#define CRM_LIBS_DOMAIN_UUID_H_

#include <string>

#include <absl/strings/string_view.h>
#include <absl/time/clock.h>
#include <absl/time/time.h>

namespace crm::leads {

// Returns a new version 7 UUID (RFC 9562) in canonical lower-case text form:
// 48 bits of Unix milliseconds from `now`, then random bits from libsodium.
// IDs made later sort after earlier ones to the millisecond. Thread-safe.
std::string NewUuidV7(absl::Time now);

// True when `text` is a UUID in canonical form: 8-4-4-4-12 hexadecimal
// digits, lower or upper case.
bool IsCanonicalUuid(absl::string_view text);

}  // namespace crm::leads

#endif  // CRM_LIBS_DOMAIN_UUID_H_
