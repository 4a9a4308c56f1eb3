#include "libs/domain/checks.h"

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

#include <absl/container/flat_hash_set.h>
#include <absl/status/status.h>
#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_split.h>
#include <curl/curl.h>
#include <phonenumbers/phonenumberutil.h>
#include <unicode/translit.h>
#include <unicode/ucurr.h>
#include <unicode/uenum.h>
#include <unicode/uidna.h>
#include <unicode/unistr.h>

namespace crm::leads {

namespace {

// Spanish tax IDs.

// Check letters of a DNI number, indexed by the number modulo 23.
constexpr absl::string_view kNifLetters = "TRWAGMYFPDXBNJZSQVHLCKE";
// First letters of a NIE; each stands for the digit at its index.
constexpr absl::string_view kNiePrefixes = "XYZ";
// First letters of a NIF of a person without DNI or NIE (minors, Spaniards
// abroad, foreigners without NIE), checked like a DNI on the seven digits.
constexpr absl::string_view kPersonalNifPrefixes = "KLM";
// First letters of a CIF (the entity type).
constexpr absl::string_view kCifEntityTypes = "ABCDEFGHJNPQRSUVW";
// Entity types whose CIF ends in a letter, and those ending in a digit; the
// others may end in either.
constexpr absl::string_view kCifLetterControlTypes = "NPQRSW";
constexpr absl::string_view kCifDigitControlTypes = "ABEH";
// Control letters of a CIF, indexed by the control digit.
constexpr absl::string_view kCifControlLetters = "JABCDEFGHI";

bool IsOneOf(absl::string_view set, char c) {
  return set.find(c) != absl::string_view::npos;
}

bool IsAllDigits(absl::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(c)) return false;
  }
  return true;
}

// Upper case, without the spaces, dots and dashes people type as separators.
std::string CompactTaxId(absl::string_view text) {
  std::string compact;
  for (char c : text) {
    if (c != ' ' && c != '.' && c != '-') compact += absl::ascii_toupper(c);
  }
  return compact;
}

char DniLetter(absl::string_view digits) {
  uint32_t number = 0;
  for (char c : digits) number = number * 10 + (c - '0');
  return kNifLetters[number % 23];
}

// `id` has nine characters: eight digits, or a prefix letter and seven.
bool IsValidNif(absl::string_view id) {
  const absl::string_view body = id.substr(0, 8);
  const char check = id[8];
  if (IsAllDigits(body)) return check == DniLetter(body);
  if (!IsAllDigits(body.substr(1))) return false;
  const size_t nie_digit = kNiePrefixes.find(id[0]);
  if (nie_digit != absl::string_view::npos) {
    std::string digits(body);
    digits[0] = static_cast<char>('0' + nie_digit);
    return check == DniLetter(digits);
  }
  if (IsOneOf(kPersonalNifPrefixes, id[0])) {
    return check == DniLetter(body.substr(1));
  }
  return false;
}

// Digits in odd places (first, third...) count doubled, with the digits of
// the product added; digits in even places count once.
int CifControlDigit(absl::string_view seven_digits) {
  int sum = 0;
  for (size_t i = 0; i < seven_digits.size(); ++i) {
    const int digit = seven_digits[i] - '0';
    sum += i % 2 == 0 ? (2 * digit) / 10 + (2 * digit) % 10 : digit;
  }
  return (10 - sum % 10) % 10;
}

bool IsValidCif(absl::string_view id) {
  const char type = id[0];
  if (!IsOneOf(kCifEntityTypes, type) || !IsAllDigits(id.substr(1, 7))) {
    return false;
  }
  const int control = CifControlDigit(id.substr(1, 7));
  const bool letter_ok = id[8] == kCifControlLetters[control] &&
                         !IsOneOf(kCifDigitControlTypes, type);
  const bool digit_ok =
      id[8] == '0' + control && !IsOneOf(kCifLetterControlTypes, type);
  return letter_ok || digit_ok;
}

// Domain names.

constexpr size_t kMaxDomainBytes = 253;
constexpr size_t kMaxLabelBytes = 63;

const UIDNA* Idna() {
  static const UIDNA* const kIdna = [] {
    UErrorCode status = U_ZERO_ERROR;
    UIDNA* idna = uidna_openUTS46(UIDNA_USE_STD3_RULES | UIDNA_CHECK_BIDI |
                                      UIDNA_CHECK_CONTEXTJ |
                                      UIDNA_NONTRANSITIONAL_TO_ASCII,
                                  &status);
    if (U_FAILURE(status)) {
      std::cerr << "ICU IDNA: " << u_errorName(status) << '\n';
      std::abort();
    }
    return idna;
  }();
  return kIdna;
}

// Whether an ASCII domain name has two labels or more, each of 1 to 63
// characters, and a top-level label that is not a number.
bool IsQualifiedHostName(absl::string_view ascii) {
  const std::vector<absl::string_view> labels = absl::StrSplit(ascii, '.');
  if (labels.size() < 2 || ascii.size() > kMaxDomainBytes) return false;
  for (absl::string_view label : labels) {
    if (label.empty() || label.size() > kMaxLabelBytes) return false;
  }
  return !IsAllDigits(labels.back());
}

// The ASCII (A-label) form of a host name given in any script, lower case;
// nullopt when it is not a valid, qualified host name under UTS #46.
std::optional<std::string> HostNameToAscii(absl::string_view name) {
  char ascii[kMaxDomainBytes + 2];
  UIDNAInfo info = UIDNA_INFO_INITIALIZER;
  UErrorCode status = U_ZERO_ERROR;
  const int32_t length = uidna_nameToASCII_UTF8(
      Idna(), name.data(), static_cast<int32_t>(name.size()), ascii,
      sizeof(ascii), &info, &status);
  if (U_FAILURE(status) || info.errors != 0) return std::nullopt;
  const absl::string_view result(ascii, length);
  if (!IsQualifiedHostName(result)) return std::nullopt;
  return std::string(result);
}

// E-mail addresses.

constexpr size_t kMaxLocalPartBytes = 64;
constexpr size_t kMaxEmailBytes = 254;

// The characters RFC 5322 allows in an atom, besides letters and digits.
constexpr absl::string_view kAtomSymbols = "!#$%&'*+-/=?^_`{|}~";

// Atoms of ASCII letters, digits and symbols, joined by single dots.
bool IsDotAtom(absl::string_view text) {
  if (text.empty() || text.front() == '.' || text.back() == '.' ||
      absl::StrContains(text, "..")) {
    return false;
  }
  for (char c : text) {
    if (!absl::ascii_isalnum(c) && c != '.' && !IsOneOf(kAtomSymbols, c)) {
      return false;
    }
  }
  return true;
}

// Web addresses.

bool HasSpaceOrControl(absl::string_view text) {
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) return true;
  }
  return false;
}

// "http://" or "https://" in any case, followed by the host (not a slash).
bool StartsWithHttpAuthority(absl::string_view text) {
  for (absl::string_view scheme : {"http://", "https://"}) {
    if (absl::StartsWithIgnoreCase(text, scheme)) {
      return text.size() > scheme.size() && text[scheme.size()] != '/';
    }
  }
  return false;
}

// Another "://" before the query or fragment: two addresses run together.
bool HasSecondScheme(absl::string_view text) {
  const absl::string_view before_query =
      text.substr(0, text.find_first_of("?#"));
  const size_t first = before_query.find("://");
  return first != absl::string_view::npos &&
         before_query.find("://", first + 3) != absl::string_view::npos;
}

// The host of an absolute URL as libcurl parses it, when its scheme is
// http or https.
std::optional<std::string> CurlHttpHost(const std::string& url) {
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(),
                                                             &curl_url_cleanup);
  if (handle == nullptr ||
      curl_url_set(handle.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return std::nullopt;
  }
  char* scheme = nullptr;
  char* host = nullptr;
  curl_url_get(handle.get(), CURLUPART_SCHEME, &scheme, 0);
  curl_url_get(handle.get(), CURLUPART_HOST, &host, 0);
  std::unique_ptr<char, decltype(&curl_free)> scheme_owner(scheme, &curl_free);
  std::unique_ptr<char, decltype(&curl_free)> host_owner(host, &curl_free);
  if (scheme == nullptr || host == nullptr) return std::nullopt;
  const absl::string_view name(scheme);
  if (name != "http" && name != "https") return std::nullopt;
  return std::string(host);
}

// An IPv6 literal in brackets or a dotted IPv4 address, as libcurl writes
// a host it accepted.
bool IsIpLiteral(absl::string_view host) {
  if (absl::StartsWith(host, "[")) return true;
  for (char c : host) {
    if (!absl::ascii_isdigit(c) && c != '.') return false;
  }
  return true;
}

// Currency codes.

const absl::flat_hash_set<std::string>& IsoCurrencies() {
  static const auto* const kCodes = [] {
    auto* codes = new absl::flat_hash_set<std::string>;
    UErrorCode status = U_ZERO_ERROR;
    UEnumeration* all =
        ucurr_openISOCurrencies(UCURR_COMMON | UCURR_NON_DEPRECATED, &status);
    const char* code = nullptr;
    while (U_SUCCESS(status) &&
           (code = uenum_next(all, nullptr, &status)) != nullptr) {
      codes->insert(code);
    }
    uenum_close(all);
    return codes;
  }();
  return *kCodes;
}

// Search folding.

// Decomposes, drops the combining marks (accents, tilde, cedilla) and
// lower-cases.
constexpr char kFoldRules[] = "NFD; [:Nonspacing Mark:] Remove; Lower; NFC";

std::unique_ptr<icu::Transliterator> NewFolder() {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::Transliterator> folder(
      icu::Transliterator::createInstance(kFoldRules, UTRANS_FORWARD, status));
  if (U_FAILURE(status) || folder == nullptr) {
    std::cerr << "ICU transliterator: " << u_errorName(status) << '\n';
    std::abort();
  }
  return folder;
}

absl::Status Refused(absl::string_view rule) {
  return absl::InvalidArgumentError(rule);
}

}  // namespace

absl::StatusOr<std::string> NormalizeSpanishTaxId(absl::string_view text) {
  const std::string id = CompactTaxId(text);
  if (id.size() != 9 || !(IsValidNif(id) || IsValidCif(id))) {
    return Refused(
        "must be a Spanish NIF, NIE or CIF with a correct check character");
  }
  return id;
}

absl::StatusOr<std::string> NormalizePhone(absl::string_view text,
                                           absl::string_view default_region) {
  using i18n::phonenumbers::PhoneNumberUtil;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  // "ZZ" is libphonenumber's unknown region: only "+" numbers parse.
  const std::string region =
      default_region.empty() ? "ZZ" : std::string(default_region);
  i18n::phonenumbers::PhoneNumber number;
  if (util.Parse(std::string(text), region, &number) !=
          PhoneNumberUtil::NO_PARSING_ERROR ||
      !util.IsValidNumber(number)) {
    return Refused("must be a valid telephone number");
  }
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  return e164;
}

absl::StatusOr<std::string> NormalizeEmail(absl::string_view text) {
  const size_t at = text.rfind('@');
  if (at == absl::string_view::npos) {
    return Refused("must be an e-mail address such as name@example.com");
  }
  const absl::string_view local = text.substr(0, at);
  if (local.size() > kMaxLocalPartBytes || !IsDotAtom(local)) {
    return Refused("must have a valid part before the @");
  }
  const std::optional<std::string> domain =
      HostNameToAscii(text.substr(at + 1));
  if (!domain.has_value()) {
    return Refused("must have a valid domain name after the @");
  }
  std::string address =
      absl::StrCat(absl::AsciiStrToLower(local), "@", *domain);
  if (address.size() > kMaxEmailBytes) {
    return Refused("must be at most 254 characters long");
  }
  return address;
}

bool IsHttpUrl(absl::string_view text) {
  if (HasSpaceOrControl(text) || !StartsWithHttpAuthority(text) ||
      HasSecondScheme(text)) {
    return false;
  }
  const std::optional<std::string> host = CurlHttpHost(std::string(text));
  return host.has_value() &&
         (IsIpLiteral(*host) || HostNameToAscii(*host).has_value());
}

bool IsCurrencyCode(absl::string_view code) {
  return IsoCurrencies().contains(code);
}

std::string FoldForSearch(absl::string_view text) {
  // A transliterator per thread: instances are not shared between threads.
  thread_local const std::unique_ptr<icu::Transliterator> folder = NewFolder();
  icu::UnicodeString unicode = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  folder->transliterate(unicode);
  std::string folded;
  unicode.toUTF8String(folded);
  return folded;
}

}  // namespace crm::leads
