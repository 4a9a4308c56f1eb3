#ifndef CRM_LIBS_DOMAIN_CHECKS_H_
#define CRM_LIBS_DOMAIN_CHECKS_H_

#include <string>

#include <absl/status/statusor.h>
#include <absl/strings/string_view.h>

namespace crm::leads {

// Checks of single values, and the normal forms in which they are stored,
// compared and indexed. Each Normalize* returns INVALID_ARGUMENT with the
// rule (not the value) in its message when the value is not acceptable.

// A Spanish NIF, NIE or CIF with a correct check character, upper-cased
// with spaces, dots and dashes removed ("a-82473018" -> "A82473018").
absl::StatusOr<std::string> NormalizeSpanishTaxId(absl::string_view text);

// A telephone number in E.164 ("+34913848500"), parsed with libphonenumber;
// `default_region` (ISO 3166-1 alpha-2) applies to numbers without a
// country prefix.
absl::StatusOr<std::string> NormalizePhone(absl::string_view text,
                                           absl::string_view default_region);

// An e-mail address, syntax-checked (internationalised domains allowed and
// checked through IDNA), lower-cased for comparison.
absl::StatusOr<std::string> NormalizeEmail(absl::string_view text);

// An absolute http or https URL with a host.
bool IsHttpUrl(absl::string_view text);

// An ISO 4217 currency code in use ("EUR").
bool IsCurrencyCode(absl::string_view code);

// `text` folded for case- and accent-insensitive search: lower case,
// accents removed ("PEÑA" and "Peña" -> "pena").
std::string FoldForSearch(absl::string_view text);

}  // namespace crm::leads

#endif  // CRM_LIBS_DOMAIN_CHECKS_H_
