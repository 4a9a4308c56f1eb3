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
// Accepted: a DNI number (eight digits and a letter), a NIE (X, Y or Z,
// seven digits, a letter), a NIF of a person without DNI or NIE (K, L or M,
// seven digits, a letter) and a CIF (entity letter, seven digits, control).
// A CIF of types A, B, E and H must end in the control digit, of types N, P,
// Q, R, S and W in the control letter; the other types may use either.
absl::StatusOr<std::string> NormalizeSpanishTaxId(absl::string_view text);

// A telephone number in E.164 ("+34913848500"), parsed with libphonenumber
// and valid for its numbering plan; `default_region` (ISO 3166-1 alpha-2)
// applies to numbers without a country prefix, and when it is empty only
// numbers starting with "+" parse. An extension is dropped.
absl::StatusOr<std::string> NormalizePhone(absl::string_view text,
                                           absl::string_view default_region);

// An e-mail address in the form it is compared and indexed by: the local
// part lower-cased, the domain as lower-case ASCII ("Ana@Peña.es" ->
// "ana@xn--pea-8ma.es"). The local part is an RFC 5322 dot-atom of ASCII
// letters, digits and !#$%&'*+-/=?^_`{|}~ of at most 64 characters; quoted
// local parts and non-ASCII local parts (SMTPUTF8) are refused. The domain
// may be in any script and must pass UTS #46 (IDNA 2008, STD3 rules, bidi
// and joiner checks), have at least two labels and a top-level label that
// is not a number; address literals ("[192.0.2.1]") are refused. The
// result is at most 254 characters.
absl::StatusOr<std::string> NormalizeEmail(absl::string_view text);

// A single absolute http or https URL with a host, as libcurl parses it:
// no white space or control characters anywhere, the host right after
// "//", no second "://" before the query (two addresses run together), and
// the host an IP literal or a domain name that passes the same checks as an
// e-mail domain (so "localhost" and "example..es" are refused).
bool IsHttpUrl(absl::string_view text);

// An ISO 4217 currency code in use ("EUR"), upper case, as ICU lists the
// common, non-deprecated currencies ("ESP" and "DEM" are refused).
bool IsCurrencyCode(absl::string_view code);

// `text` folded for case- and accent-insensitive search: lower case,
// combining marks removed ("PEÑA" and "Peña" -> "pena", "Ávila" ->
// "avila"). Letters without a decomposition ("ø", "ł", "ß") and other
// scripts are only lower-cased. Safe to call from any thread.
std::string FoldForSearch(absl::string_view text);

}  // namespace crm::leads

#endif  // CRM_LIBS_DOMAIN_CHECKS_H_
