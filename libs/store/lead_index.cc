#include "libs/store/lead_index.h"

#include <algorithm>
#include <iterator>
#include <memory>
#include <set>
#include <utility>

#include <absl/base/internal/endian.h>
#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <rocksdb/iterator.h>

#include "libs/domain/checks.h"

namespace crm::store {

namespace {

using ::crm::leads::v1::Lead;
using ::crm::leads::v1::LeadOrder;
using ::google::protobuf::Timestamp;

// Tags: the first byte of every key, naming its index.
constexpr char kCreatedTag = 'C';
constexpr char kModifiedTag = 'M';
constexpr char kNameTag = 'N';
constexpr char kStatusTag = 'S';
constexpr char kCompanyTag = 'K';
constexpr char kEmailTag = 'E';
constexpr char kPhoneTag = 'P';
constexpr char kTaxIdTag = 'T';
constexpr char kFilterTag = 'F';
constexpr char kCountTag = '#';

constexpr size_t kTimeBytes = 12;

constexpr FilterField kFilterFields[] = {
    FilterField::kStatus,   FilterField::kStatusCategory,
    FilterField::kSource,   FilterField::kAgent,
    FilterField::kCampaign, FilterField::kInterestLevel};

absl::string_view FilterFieldName(FilterField field) {
  switch (field) {
    case FilterField::kStatus:
      return "status";
    case FilterField::kStatusCategory:
      return "status_category";
    case FilterField::kSource:
      return "source";
    case FilterField::kAgent:
      return "agent";
    case FilterField::kCampaign:
      return "campaign";
    case FilterField::kInterestLevel:
      return "interest_level";
  }
  return "";
}

absl::string_view ArchivedText(bool archived) { return archived ? "1" : "0"; }

rocksdb::Slice ToSlice(absl::string_view text) {
  return rocksdb::Slice(text.data(), text.size());
}

absl::string_view ToView(const rocksdb::Slice& slice) {
  return absl::string_view(slice.data(), slice.size());
}

// Walks the components of a key, front to back.
class KeyReader {
 public:
  explicit KeyReader(absl::string_view key) : rest_(key) {}

  bool SkipTag() { return Skip(1); }

  bool SkipTime() { return Skip(kTimeBytes); }

  bool SkipText() {
    std::string ignored;
    return ReadText(&ignored);
  }

  // Reads one text component, undoing its escapes.
  bool ReadText(std::string* text) {
    for (size_t i = 0; i < rest_.size(); ++i) {
      if (rest_[i] != '\0') {
        text->push_back(rest_[i]);
        continue;
      }
      if (i + 1 == rest_.size()) return false;
      const char next = rest_[++i];
      if (next == '\x01') {
        rest_.remove_prefix(i + 1);
        return true;
      }
      if (next != '\xff') return false;
      text->push_back('\0');
    }
    return false;
  }

 private:
  bool Skip(size_t bytes) {
    if (rest_.size() < bytes) return false;
    rest_.remove_prefix(bytes);
    return true;
  }

  absl::string_view rest_;
};

std::string Tagged(char tag) { return std::string(1, tag); }

std::string TaggedText(char tag, absl::string_view text) {
  std::string key = Tagged(tag);
  AppendKeyText(text, &key);
  return key;
}

std::string TaggedTextPrefix(char tag, absl::string_view text) {
  std::string key = Tagged(tag);
  AppendKeyTextPrefix(text, &key);
  return key;
}

char OrderTag(LeadOrder order) {
  switch (order) {
    case leads::v1::LEAD_ORDER_MODIFIED:
      return kModifiedTag;
    case leads::v1::LEAD_ORDER_NAME:
      return kNameTag;
    case leads::v1::LEAD_ORDER_STATUS:
      return kStatusTag;
    default:
      return kCreatedTag;
  }
}

// A lookup entry: the value, then the lead, then the field that holds it.
std::string LookupKey(std::string prefix, absl::string_view lead_id,
                      absl::string_view field) {
  AppendKeyText(lead_id, &prefix);
  AppendKeyText(field, &prefix);
  return prefix;
}

void AddLookupKeys(const Lead& lead, std::set<std::string>* keys) {
  for (const auto& [field, email] :
       {std::pair{"email1", &lead.email1()}, {"email2", &lead.email2()}}) {
    if (email->empty()) continue;
    keys->insert(
        LookupKey(EmailLookupPrefix(EmailIndexForm(*email)), lead.id(), field));
  }
  for (const auto& [field, phone] : {std::pair{"phone1", &lead.phone1()},
                                     {"phone2", &lead.phone2()},
                                     {"mobile", &lead.mobile()},
                                     {"fax", &lead.fax()}}) {
    if (phone->e164().empty()) continue;
    keys->insert(LookupKey(PhoneLookupPrefix(phone->e164()), lead.id(), field));
  }
  const std::string tax_id = TaxIdIndexForm(lead.tax_id());
  if (!tax_id.empty()) {
    keys->insert(LookupKey(TaxIdLookupPrefix(tax_id), lead.id(), "tax_id"));
  }
}

// Every entry key `lead` has, counters aside.
std::set<std::string> EntryKeys(const Lead& lead) {
  std::set<std::string> keys;
  for (LeadOrder order :
       {leads::v1::LEAD_ORDER_CREATED, leads::v1::LEAD_ORDER_MODIFIED,
        leads::v1::LEAD_ORDER_NAME, leads::v1::LEAD_ORDER_STATUS}) {
    keys.insert(OrderIndexKey(order, lead));
  }
  if (!lead.company().empty()) {
    std::string key =
        TaggedText(kCompanyTag, leads::FoldForSearch(lead.company()));
    AppendKeyText(lead.id(), &key);
    keys.insert(std::move(key));
  }
  AddLookupKeys(lead, &keys);
  for (FilterField field : kFilterFields) {
    const std::string value = FilterValue(field, lead);
    if (value.empty()) continue;
    std::string key = FilterPrefix(field, value, lead.archived());
    AppendKeyText(lead.id(), &key);
    keys.insert(std::move(key));
  }
  return keys;
}

// The counters that count `lead`.
std::set<std::string> CountKeys(const Lead& lead) {
  std::set<std::string> keys = {AllLeadsCountKey(lead.archived())};
  for (FilterField field : kFilterFields) {
    const std::string value = FilterValue(field, lead);
    if (!value.empty()) {
      keys.insert(FilterCountKey(field, value, lead.archived()));
    }
  }
  return keys;
}

std::vector<std::string> Difference(const std::set<std::string>& from,
                                    const std::set<std::string>& without) {
  std::vector<std::string> difference;
  std::set_difference(from.begin(), from.end(), without.begin(), without.end(),
                      std::back_inserter(difference));
  return difference;
}

// The lookup entries under `prefix`, each decoded to its lead and field.
absl::StatusOr<std::vector<IndexMatch>> FindByPrefix(
    const ReadModel& model, const std::string& prefix) {
  std::vector<IndexMatch> matches;
  std::unique_ptr<rocksdb::Iterator> it = model.NewIterator(Family::kIndexes);
  for (it->Seek(ToSlice(prefix));
       it->Valid() && it->key().starts_with(ToSlice(prefix)); it->Next()) {
    KeyReader reader(ToView(it->key()));
    IndexMatch match;
    if (!reader.SkipTag() || !reader.SkipText() ||
        !reader.ReadText(&match.lead_id) || !reader.ReadText(&match.field)) {
      return absl::DataLossError("read model: undecodable lookup index key");
    }
    matches.push_back(std::move(match));
  }
  if (!it->status().ok()) {
    return absl::UnavailableError(absl::StrCat(
        "read model: while reading an index: ", it->status().ToString()));
  }
  return matches;
}

}  // namespace

void AppendKeyTextPrefix(absl::string_view text, std::string* key) {
  for (char c : text) {
    key->push_back(c);
    if (c == '\0') key->push_back('\xff');
  }
}

void AppendKeyText(absl::string_view text, std::string* key) {
  AppendKeyTextPrefix(text, key);
  key->append({'\0', '\x01'});
}

void AppendKeyTime(const Timestamp& time, std::string* key) {
  char bytes[kTimeBytes];
  // Flipping the sign bit makes negative seconds sort before positive ones.
  absl::big_endian::Store64(
      bytes, static_cast<uint64_t>(time.seconds()) ^ (uint64_t{1} << 63));
  absl::big_endian::Store32(bytes + 8, static_cast<uint32_t>(time.nanos()));
  key->append(bytes, kTimeBytes);
}

std::string PrefixEnd(absl::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && end.back() == '\xff') end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(end.back() + 1);
  return end;
}

std::string EmailIndexForm(absl::string_view email) {
  return absl::AsciiStrToLower(email);
}

std::string TaxIdIndexForm(absl::string_view tax_id) {
  std::string form;
  for (char c : tax_id) {
    if (c == ' ' || c == '.' || c == '-') continue;
    form.push_back(absl::ascii_toupper(static_cast<unsigned char>(c)));
  }
  return form;
}

std::string OrderIndexKey(LeadOrder order, const Lead& lead) {
  std::string key = OrderIndexPrefix(order);
  switch (key[0]) {
    case kModifiedTag:
      AppendKeyTime(lead.modified_at(), &key);
      break;
    case kNameTag:
      AppendKeyText(leads::FoldForSearch(lead.name()), &key);
      break;
    case kStatusTag:
      AppendKeyText(lead.status(), &key);
      AppendKeyTime(lead.created_at(), &key);
      break;
    default:
      AppendKeyTime(lead.created_at(), &key);
  }
  AppendKeyText(lead.id(), &key);
  return key;
}

std::string OrderIndexPrefix(LeadOrder order) {
  return Tagged(OrderTag(order));
}

std::string TimeOrderStart(LeadOrder order, const Timestamp& time) {
  std::string key = OrderIndexPrefix(order);
  AppendKeyTime(time, &key);
  return key;
}

std::string StatusOrderPrefix(absl::string_view status) {
  return TaggedText(kStatusTag, status);
}

std::string NameSearchPrefix(absl::string_view folded_prefix) {
  return TaggedTextPrefix(kNameTag, folded_prefix);
}

std::string CompanySearchPrefix(absl::string_view folded_prefix) {
  return TaggedTextPrefix(kCompanyTag, folded_prefix);
}

std::string EmailLookupPrefix(absl::string_view email) {
  return TaggedText(kEmailTag, email);
}

std::string PhoneLookupPrefix(absl::string_view e164) {
  return TaggedText(kPhoneTag, e164);
}

std::string TaxIdLookupPrefix(absl::string_view tax_id) {
  return TaggedText(kTaxIdTag, tax_id);
}

std::string FilterValue(FilterField field, const Lead& lead) {
  switch (field) {
    case FilterField::kStatus:
      return lead.status();
    case FilterField::kStatusCategory:
      return lead.status_category() == leads::v1::STATUS_CATEGORY_UNSPECIFIED
                 ? std::string()
                 : absl::StrCat(lead.status_category());
    case FilterField::kSource:
      return lead.source();
    case FilterField::kAgent:
      return lead.agent();
    case FilterField::kCampaign:
      return lead.source_campaign();
    case FilterField::kInterestLevel:
      return lead.interest_level();
  }
  return std::string();
}

std::string FilterPrefix(FilterField field, absl::string_view value,
                         bool archived) {
  std::string key = TaggedText(kFilterTag, FilterFieldName(field));
  AppendKeyText(value, &key);
  AppendKeyText(ArchivedText(archived), &key);
  return key;
}

std::string FilterCountKey(FilterField field, absl::string_view value,
                           bool archived) {
  std::string key = TaggedText(kCountTag, FilterFieldName(field));
  AppendKeyText(value, &key);
  AppendKeyText(ArchivedText(archived), &key);
  return key;
}

std::string AllLeadsCountKey(bool archived) {
  std::string key = TaggedText(kCountTag, "");
  AppendKeyText("", &key);
  AppendKeyText(ArchivedText(archived), &key);
  return key;
}

absl::StatusOr<int64_t> ReadIndexCount(const ReadModel& model,
                                       absl::string_view key,
                                       const ReadModelSnapshot* snapshot) {
  absl::StatusOr<std::optional<std::string>> value =
      model.Get(Family::kIndexes, key, snapshot);
  if (!value.ok()) return value.status();
  if (!value->has_value()) return 0;
  // Counters merged with ReadModelBatch::Add: 8 bytes, little-endian.
  if ((*value)->size() != 8) {
    return absl::DataLossError("read model: undecodable index counter");
  }
  return static_cast<int64_t>(absl::little_endian::Load64((*value)->data()));
}

std::optional<std::string> LeadIdOfIndexKey(absl::string_view key) {
  if (key.empty()) return std::nullopt;
  KeyReader reader(key);
  reader.SkipTag();
  bool ok = true;
  switch (key[0]) {
    case kCreatedTag:
    case kModifiedTag:
      ok = reader.SkipTime();
      break;
    case kStatusTag:
      ok = reader.SkipText() && reader.SkipTime();
      break;
    case kNameTag:
    case kCompanyTag:
    case kEmailTag:
    case kPhoneTag:
    case kTaxIdTag:
      ok = reader.SkipText();
      break;
    case kFilterTag:
      ok = reader.SkipText() && reader.SkipText() && reader.SkipText();
      break;
    default:
      return std::nullopt;
  }
  std::string id;
  if (!ok || !reader.ReadText(&id)) return std::nullopt;
  return id;
}

void StageIndexChanges(ReadModelBatch* batch, const Lead* before,
                       const Lead& after) {
  const std::set<std::string> old_keys =
      before == nullptr ? std::set<std::string>() : EntryKeys(*before);
  const std::set<std::string> new_keys = EntryKeys(after);
  for (const std::string& key : Difference(old_keys, new_keys)) {
    batch->Delete(Family::kIndexes, key);
  }
  for (const std::string& key : Difference(new_keys, old_keys)) {
    batch->Put(Family::kIndexes, key, "");
  }

  const std::set<std::string> old_counts =
      before == nullptr ? std::set<std::string>() : CountKeys(*before);
  const std::set<std::string> new_counts = CountKeys(after);
  for (const std::string& key : Difference(old_counts, new_counts)) {
    batch->Add(Family::kIndexes, key, -1);
  }
  for (const std::string& key : Difference(new_counts, old_counts)) {
    batch->Add(Family::kIndexes, key, 1);
  }
}

absl::StatusOr<std::vector<IndexMatch>> FindByEmail(const ReadModel& model,
                                                    absl::string_view email) {
  return FindByPrefix(model, EmailLookupPrefix(EmailIndexForm(email)));
}

absl::StatusOr<std::vector<IndexMatch>> FindByPhone(const ReadModel& model,
                                                    absl::string_view e164) {
  return FindByPrefix(model, PhoneLookupPrefix(e164));
}

absl::StatusOr<std::vector<IndexMatch>> FindByTaxId(const ReadModel& model,
                                                    absl::string_view tax_id) {
  return FindByPrefix(model, TaxIdLookupPrefix(TaxIdIndexForm(tax_id)));
}

}  // namespace crm::store
