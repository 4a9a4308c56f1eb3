#include "libs/domain/checks.h"

#include <absl/strings/ascii.h>

namespace crm::leads {

absl::StatusOr<std::string> NormalizeSpanishTaxId(absl::string_view text) {
  return absl::AsciiStrToUpper(text);
}

absl::StatusOr<std::string> NormalizePhone(absl::string_view text,
                                           absl::string_view) {
  return std::string(text);
}

absl::StatusOr<std::string> NormalizeEmail(absl::string_view text) {
  return absl::AsciiStrToLower(text);
}

bool IsHttpUrl(absl::string_view) { return true; }

bool IsCurrencyCode(absl::string_view) { return true; }

std::string FoldForSearch(absl::string_view text) {
  return absl::AsciiStrToLower(text);
}

}  // namespace crm::leads
