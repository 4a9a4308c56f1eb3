#include "libs/leadtext/lead_text.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include <absl/algorithm/container.h>
#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <absl/strings/str_replace.h>
#include <absl/strings/str_split.h>
#include <absl/strings/strip.h>
#include <absl/time/time.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

namespace crm::leadtext {
namespace {

using ::crm::leads::v1::Lead;
using ::crm::leads::v1::Money;
using ::crm::leads::v1::Phone;
using ::google::protobuf::Descriptor;
using ::google::protobuf::EnumDescriptor;
using ::google::protobuf::EnumValueDescriptor;
using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;
using ::google::protobuf::Timestamp;
using ::google::protobuf::util::TimeUtil;

// The fields a path walks through, from Lead down to the one it names.
using FieldChain = std::vector<const FieldDescriptor*>;

// Stores an already parsed value into the message that holds the field.
using Store = std::function<void(Message* holder)>;

constexpr absl::string_view kMadridZoneName = "Europe/Madrid";

// Formats for RFC 3339 times and for bare dates.
constexpr char kRfc3339Format[] = "%Y-%m-%d%ET%H:%M:%E*S%Ez";
constexpr char kDateFormat[] = "%Y-%m-%d";

bool IsTextMessage(const Descriptor* type) {
  return type == Phone::descriptor() || type == Money::descriptor() ||
         type == Timestamp::descriptor();
}

absl::Status UnknownPathError(absl::string_view path) {
  return absl::InvalidArgumentError(
      absl::StrCat("unknown lead field \"", path, "\""));
}

absl::Status BadValueError(absl::string_view path, absl::string_view text,
                           absl::string_view expected) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, ": \"", text, "\" is not ", expected));
}

absl::StatusOr<FieldChain> ResolvePath(absl::string_view path) {
  FieldChain chain;
  const Descriptor* type = Lead::descriptor();
  for (absl::string_view name : absl::StrSplit(path, '.')) {
    // Only a singular message field may have a path segment after it.
    if (type == nullptr) return UnknownPathError(path);
    const FieldDescriptor* field = type->FindFieldByName(std::string(name));
    if (field == nullptr || field->is_repeated()) {
      return UnknownPathError(path);
    }
    chain.push_back(field);
    type = field->message_type();
  }

  if (type != nullptr && !IsTextMessage(type)) {
    return absl::InvalidArgumentError(
        absl::StrCat("lead field \"", path,
                     "\" is a group of fields; name one of them, as in \"",
                     path, ".", type->field(0)->name(), "\""));
  }
  return chain;
}

// The zone of bare dates, loaded once; nullptr when tzdata lacks it.
const absl::TimeZone* MadridZone() {
  static const absl::TimeZone* const zone = [] {
    auto* loaded = new absl::TimeZone;
    if (!absl::LoadTimeZone(std::string(kMadridZoneName), loaded)) {
      delete loaded;
      return static_cast<absl::TimeZone*>(nullptr);
    }
    return loaded;
  }();
  return zone;
}

bool IsDate(absl::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (int i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<absl::Time> ParseTime(absl::string_view path,
                                     absl::string_view text) {
  absl::Time time;
  std::string error;
  if (!IsDate(text)) {
    if (absl::ParseTime(kRfc3339Format, text, &time, &error)) return time;
    return BadValueError(path, text,
                         "an RFC 3339 time with an offset or a date "
                         "YYYY-MM-DD");
  }

  const absl::TimeZone* madrid = MadridZone();
  if (madrid == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        path, ": time zone ", kMadridZoneName, " is not installed"));
  }
  if (absl::ParseTime(kDateFormat, text, *madrid, &time, &error)) return time;
  return BadValueError(path, text, "a valid date YYYY-MM-DD");
}

absl::StatusOr<Timestamp> ParseTimestamp(absl::string_view path,
                                         absl::string_view text) {
  absl::StatusOr<absl::Time> time = ParseTime(path, text);
  if (!time.ok()) return time.status();

  // ToUnixSeconds rounds towards the past, so nanos is never negative.
  const int64_t seconds = absl::ToUnixSeconds(*time);
  if (seconds < TimeUtil::kTimestampMinSeconds ||
      seconds > TimeUtil::kTimestampMaxSeconds) {
    return BadValueError(path, text, "a time between years 1 and 9999");
  }
  Timestamp timestamp;
  timestamp.set_seconds(seconds);
  timestamp.set_nanos(static_cast<int32_t>(
      (*time - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
  return timestamp;
}

bool IsCurrencyCode(absl::string_view text) {
  return text.size() == 3 && absl::c_all_of(text, [](char c) {
           return absl::ascii_isalpha(static_cast<unsigned char>(c));
         });
}

bool IsDigits(absl::string_view text) {
  return !text.empty() && absl::c_all_of(text, [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c));
  });
}

// "1234", "-1234.5" or "1234.56" in hundredths; nullopt if malformed or too
// large for int64.
std::optional<int64_t> ParseHundredths(absl::string_view amount) {
  const bool negative = absl::ConsumePrefix(&amount, "-");
  std::pair<absl::string_view, absl::string_view> parts =
      absl::StrSplit(amount, absl::MaxSplits('.', 1));
  const bool has_point = amount.find('.') != absl::string_view::npos;
  if (!IsDigits(parts.first)) return std::nullopt;
  if (has_point && (!IsDigits(parts.second) || parts.second.size() > 2)) {
    return std::nullopt;
  }

  int64_t units = 0;
  constexpr int64_t kMaxUnits =
      (std::numeric_limits<int64_t>::max() - 99) / 100;
  if (!absl::SimpleAtoi(parts.first, &units) || units > kMaxUnits) {
    return std::nullopt;
  }
  // "5" after the point means fifty hundredths.
  const std::string cents = absl::StrCat(parts.second, "00").substr(0, 2);
  const int64_t hundredths =
      units * 100 + (cents[0] - '0') * 10 + (cents[1] - '0');
  return negative ? -hundredths : hundredths;
}

absl::StatusOr<Money> ParseMoney(absl::string_view path,
                                 absl::string_view text) {
  std::vector<absl::string_view> words =
      absl::StrSplit(text, ' ', absl::SkipEmpty());
  absl::string_view amount = words[0];
  absl::string_view currency;
  if (words.size() == 2 && IsCurrencyCode(words[0])) {
    currency = words[0];
    amount = words[1];
  } else if (words.size() == 2 && IsCurrencyCode(words[1])) {
    currency = words[1];
  } else if (words.size() != 1) {
    amount = "";
  }

  std::optional<int64_t> hundredths = ParseHundredths(amount);
  if (!hundredths.has_value()) {
    return BadValueError(path, text,
                         "an amount with at most two decimals, as in "
                         "\"1234.56\" or \"1234.56 EUR\"");
  }
  Money money;
  money.set_minor_units(*hundredths);
  money.set_currency(absl::AsciiStrToUpper(currency));
  return money;
}

std::optional<bool> ParseBool(absl::string_view text) {
  // AsciiStrToLower leaves the accented capital of "SÍ" alone.
  const std::string word = absl::StrReplaceAll(absl::AsciiStrToLower(text),
                                               {{"\xc3\x8d", "\xc3\xad"}});
  for (absl::string_view yes : {"true", "yes", "si", "s\xc3\xad", "1"}) {
    if (word == yes) return true;
  }
  for (absl::string_view no : {"false", "no", "0"}) {
    if (word == no) return false;
  }
  return std::nullopt;
}

// "PreferredContact" -> "PREFERRED_CONTACT_": the prefix proto style puts on
// every value name of an enum.
std::string ValuePrefix(const EnumDescriptor* type) {
  std::string prefix;
  for (char c : type->name()) {
    if (absl::ascii_isupper(static_cast<unsigned char>(c)) && !prefix.empty()) {
      prefix.push_back('_');
    }
    prefix.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  return prefix + "_";
}

absl::StatusOr<const EnumValueDescriptor*> ParseEnum(absl::string_view path,
                                                     const EnumDescriptor* type,
                                                     absl::string_view text) {
  const std::string prefix = ValuePrefix(type);
  const std::string name = absl::AsciiStrToUpper(text);
  std::vector<std::string> accepted;
  for (int i = 0; i < type->value_count(); ++i) {
    const EnumValueDescriptor* value = type->value(i);
    if (value->name() == name || value->name() == prefix + name) return value;
    if (value->number() != 0 && absl::StartsWith(value->name(), prefix)) {
      accepted.push_back(
          absl::AsciiStrToLower(value->name().substr(prefix.size())));
    }
  }
  return BadValueError(path, text,
                       absl::StrCat("one of ", absl::StrJoin(accepted, ", ")));
}

absl::StatusOr<Store> ParseInteger(const FieldDescriptor* field,
                                   absl::string_view path,
                                   absl::string_view text) {
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
    int32_t value = 0;
    if (!absl::SimpleAtoi(text, &value)) {
      return BadValueError(path, text, "a whole number");
    }
    return Store([field, value](Message* holder) {
      holder->GetReflection()->SetInt32(holder, field, value);
    });
  }
  int64_t value = 0;
  if (!absl::SimpleAtoi(text, &value)) {
    return BadValueError(path, text, "a whole number");
  }
  return Store([field, value](Message* holder) {
    holder->GetReflection()->SetInt64(holder, field, value);
  });
}

absl::StatusOr<Store> ParseMessage(const FieldDescriptor* field,
                                   absl::string_view path,
                                   absl::string_view text) {
  const Descriptor* type = field->message_type();
  if (type == Phone::descriptor()) {
    Phone phone;
    phone.set_text(std::string(text));
    return Store([field, phone](Message* holder) {
      holder->GetReflection()->MutableMessage(holder, field)->CopyFrom(phone);
    });
  }
  if (type == Money::descriptor()) {
    absl::StatusOr<Money> money = ParseMoney(path, text);
    if (!money.ok()) return money.status();
    return Store([field, money = *money](Message* holder) {
      holder->GetReflection()->MutableMessage(holder, field)->CopyFrom(money);
    });
  }
  absl::StatusOr<Timestamp> timestamp = ParseTimestamp(path, text);
  if (!timestamp.ok()) return timestamp.status();
  return Store([field, timestamp = *timestamp](Message* holder) {
    holder->GetReflection()->MutableMessage(holder, field)->CopyFrom(timestamp);
  });
}

// Parses `text` for `field`, without touching any lead.
absl::StatusOr<Store> ParseValue(const FieldDescriptor* field,
                                 absl::string_view path,
                                 absl::string_view text) {
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return Store([field, value = std::string(text)](Message* holder) {
        holder->GetReflection()->SetString(holder, field, value);
      });
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
      return ParseInteger(field, path, absl::StripAsciiWhitespace(text));
    case FieldDescriptor::CPPTYPE_BOOL:
      if (std::optional<bool> value =
              ParseBool(absl::StripAsciiWhitespace(text))) {
        return Store([field, value = *value](Message* holder) {
          holder->GetReflection()->SetBool(holder, field, value);
        });
      }
      return BadValueError(path, text, "one of true/false, yes/no, si/no, 1/0");
    case FieldDescriptor::CPPTYPE_ENUM: {
      absl::StatusOr<const EnumValueDescriptor*> value =
          ParseEnum(path, field->enum_type(), absl::StripAsciiWhitespace(text));
      if (!value.ok()) return value.status();
      return Store([field, value = *value](Message* holder) {
        holder->GetReflection()->SetEnum(holder, field, value);
      });
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return ParseMessage(field, path, absl::StripAsciiWhitespace(text));
    default:
      return absl::UnimplementedError(
          absl::StrCat("lead field \"", path, "\" has no text form"));
  }
}

bool IsBlank(const FieldDescriptor* field, absl::string_view text) {
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    return text.empty();
  }
  return absl::StripAsciiWhitespace(text).empty();
}

// Clears the last field of `chain` if every message enclosing it is set.
void ClearField(Lead* lead, const FieldChain& chain) {
  Message* holder = lead;
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    const Reflection* reflection = holder->GetReflection();
    if (!reflection->HasField(*holder, chain[i])) return;
    holder = reflection->MutableMessage(holder, chain[i]);
  }
  holder->GetReflection()->ClearField(holder, chain.back());
}

// The message holding the last field of `chain`, creating enclosing ones.
Message* MutableHolder(Lead* lead, const FieldChain& chain) {
  Message* holder = lead;
  for (size_t i = 0; i + 1 < chain.size(); ++i) {
    holder = holder->GetReflection()->MutableMessage(holder, chain[i]);
  }
  return holder;
}

}  // namespace

absl::Status CheckLeadPath(absl::string_view path) {
  return ResolvePath(path).status();
}

absl::Status SetLeadField(Lead* lead, absl::string_view path,
                          absl::string_view text) {
  absl::StatusOr<FieldChain> chain = ResolvePath(path);
  if (!chain.ok()) return chain.status();
  if (IsBlank(chain->back(), text)) {
    ClearField(lead, *chain);
    return absl::OkStatus();
  }

  absl::StatusOr<Store> store = ParseValue(chain->back(), path, text);
  if (!store.ok()) return store.status();
  (*store)(MutableHolder(lead, *chain));
  return absl::OkStatus();
}

std::string TimestampToText(const Timestamp& timestamp) {
  const absl::Time time = absl::FromUnixSeconds(timestamp.seconds()) +
                          absl::Nanoseconds(timestamp.nanos());
  const absl::TimeZone* madrid = MadridZone();
  return absl::FormatTime(kRfc3339Format, time,
                          madrid != nullptr ? *madrid : absl::UTCTimeZone());
}

absl::StatusOr<std::string> MessageToJson(
    const google::protobuf::Message& message, JsonLayout layout,
    bool with_defaults) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = layout == JsonLayout::kPretty;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = with_defaults;
  std::string json;
  const auto status =
      google::protobuf::util::MessageToJsonString(message, &json, options);
  if (!status.ok()) return absl::InvalidArgumentError(status.ToString());

  // The pretty form ends in a newline; callers add their own.
  absl::StripTrailingAsciiWhitespace(&json);
  return json;
}

absl::StatusOr<std::string> LeadToJson(const Lead& lead, JsonLayout layout) {
  return MessageToJson(lead, layout);
}

}  // namespace crm::leadtext
