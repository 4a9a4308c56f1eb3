#include "libs/domain/uuid.h"

#include <sodium.h>

#include <array>
#include <cstdint>

#include <absl/strings/ascii.h>

namespace crm::leads {

std::string NewUuidV7(absl::Time now) {
  std::array<uint8_t, 16> bytes;
  randombytes_buf(bytes.data(), bytes.size());

  const uint64_t millis = static_cast<uint64_t>(absl::ToUnixMillis(now));
  for (int i = 0; i < 6; ++i) {
    bytes[i] = static_cast<uint8_t>(millis >> (8 * (5 - i)));
  }
  bytes[6] = static_cast<uint8_t>(0x70 | (bytes[6] & 0x0f));  // version 7
  bytes[8] = static_cast<uint8_t>(0x80 | (bytes[8] & 0x3f));  // variant 10

  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(36);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text.push_back('-');
    text.push_back(kHex[bytes[i] >> 4]);
    text.push_back(kHex[bytes[i] & 0x0f]);
  }
  return text;
}

bool IsCanonicalUuid(absl::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool dash_position = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash_position != (text[i] == '-')) return false;
    if (!dash_position && !absl::ascii_isxdigit(text[i])) return false;
  }
  return true;
}

}  // namespace crm::leads
