#include "services/leads/lead_list.h"

#include <sodium.h>

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <tuple>
#include <utility>
#include <vector>

#include <absl/base/internal/endian.h>
#include <absl/strings/escaping.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <rocksdb/iterator.h>

#include "libs/domain/checks.h"
#include "libs/domain/errors.h"
#include "libs/store/lead_index.h"

namespace crm::leads {

namespace {

using ::google::protobuf::Timestamp;
using store::FilterField;
using store::ReadModel;
using store::ReadModelSnapshot;

constexpr char kTokenFormat = '\x01';
constexpr size_t kSessionIdBytes = 16;
constexpr size_t kHashBytes = 16;
constexpr size_t kOffsetBytes = 8;
// A token's fixed part, before the cursor; and what sealing adds.
constexpr size_t kTokenBytes = 1 + kSessionIdBytes + kHashBytes + kOffsetBytes;
constexpr size_t kSealBytes =
    crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES;

// The span of google.protobuf.Timestamp: years 1 to 9999.
constexpr int64_t kMinSeconds = -62135596800;
constexpr int64_t kMaxSeconds = 253402300799;

// Index keys in [start, end).
struct KeyRange {
  std::string start;
  std::string end;
};

// The index ranges whose entries name every lead that may pass one filter.
using Source = std::vector<KeyRange>;

// A half-open interval of times; unset bounds are open.
struct TimeBounds {
  std::optional<Timestamp> from;
  std::optional<Timestamp> to;

  bool set() const { return from.has_value() || to.has_value(); }
};

// The filters and order of a request, checked and in the forms the
// indexes use.
struct Query {
  std::vector<std::pair<FilterField, std::string>> equals;
  // Which archived states pass: false for active leads, true for archived.
  std::vector<bool> archived_states;
  TimeBounds created;
  TimeBounds modified;
  std::string email;
  std::string phone;
  std::string tax_id;
  std::optional<std::string> folded_prefix;
  v1::LeadOrder order = v1::LEAD_ORDER_CREATED;
  bool descending = false;
};

// A lead and its key in the order index of the list.
struct Listed {
  std::string key;
  v1::Lead lead;
};

absl::Status FromRocks(const rocksdb::Status& status) {
  if (status.ok()) return absl::OkStatus();
  return absl::UnavailableError(
      absl::StrCat("read model: while listing leads: ", status.ToString()));
}

rocksdb::Slice ToSlice(absl::string_view text) {
  return rocksdb::Slice(text.data(), text.size());
}

absl::string_view ToView(const rocksdb::Slice& slice) {
  return absl::string_view(slice.data(), slice.size());
}

unsigned char* Bytes(std::string& text) {
  return reinterpret_cast<unsigned char*>(text.data());
}

const unsigned char* Bytes(const std::string& text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

KeyRange PrefixRange(std::string prefix) {
  std::string end = store::PrefixEnd(prefix);
  return KeyRange{std::move(prefix), std::move(end)};
}

bool ValidTimestamp(const Timestamp& time) {
  return time.seconds() >= kMinSeconds && time.seconds() <= kMaxSeconds &&
         time.nanos() >= 0 && time.nanos() < 1'000'000'000;
}

bool Before(const Timestamp& a, const Timestamp& b) {
  return a.seconds() != b.seconds() ? a.seconds() < b.seconds()
                                    : a.nanos() < b.nanos();
}

bool Contains(const TimeBounds& bounds, const Timestamp& time) {
  if (bounds.from.has_value() && Before(time, *bounds.from)) return false;
  return !bounds.to.has_value() || Before(time, *bounds.to);
}

// ---- Reading the request.

TimeBounds ParseRange(const v1::TimeRange& range, absl::string_view field,
                      Violations* violations) {
  TimeBounds bounds;
  if (range.has_from()) bounds.from = range.from();
  if (range.has_to()) bounds.to = range.to();
  for (const auto& [bound, name] :
       {std::pair{&bounds.from, "from"}, std::pair{&bounds.to, "to"}}) {
    if (bound->has_value() && !ValidTimestamp(**bound)) {
      violations->push_back({absl::StrCat(field, ".", name),
                             "must be a timestamp between years 1 and 9999"});
    }
  }
  return bounds;
}

void ParseEquals(const v1::ListLeadsRequest& request, Query* query,
                 Violations* violations) {
  for (const auto& [field, value] :
       {std::pair{FilterField::kStatus, &request.status()},
        {FilterField::kSource, &request.source()},
        {FilterField::kAgent, &request.agent()},
        {FilterField::kCampaign, &request.campaign()},
        {FilterField::kInterestLevel, &request.interest_level()}}) {
    if (!value->empty()) query->equals.emplace_back(field, *value);
  }
  if (!v1::StatusCategory_IsValid(request.status_category())) {
    violations->push_back(
        {"status_category", "must be a known status category"});
  } else if (request.status_category() != v1::STATUS_CATEGORY_UNSPECIFIED) {
    query->equals.emplace_back(FilterField::kStatusCategory,
                               absl::StrCat(request.status_category()));
  }
}

void ParseArchived(v1::ArchivedFilter archived, Query* query,
                   Violations* violations) {
  switch (archived) {
    case v1::ARCHIVED_FILTER_UNSPECIFIED:
    case v1::ARCHIVED_FILTER_ACTIVE:
      query->archived_states = {false};
      return;
    case v1::ARCHIVED_FILTER_ARCHIVED:
      query->archived_states = {true};
      return;
    case v1::ARCHIVED_FILTER_ALL:
      query->archived_states = {false, true};
      return;
    default:
      violations->push_back({"archived", "must be a known archived filter"});
  }
}

void ParseLookups(const v1::ListLeadsRequest& request, Query* query,
                  Violations* violations) {
  if (!request.email().empty()) {
    absl::StatusOr<std::string> email = NormalizeEmail(request.email());
    if (email.ok()) {
      query->email = store::EmailIndexForm(*email);
    } else {
      violations->push_back({"email", "must be an e-mail address"});
    }
  }
  if (!request.phone().empty()) {
    absl::StatusOr<std::string> phone = NormalizePhone(request.phone(), "ES");
    if (phone.ok()) {
      query->phone = *std::move(phone);
    } else {
      violations->push_back({"phone", "must be a telephone number"});
    }
  }
  if (!request.tax_id().empty()) {
    query->tax_id = store::TaxIdIndexForm(request.tax_id());
    if (query->tax_id.empty()) {
      violations->push_back({"tax_id", "must contain letters or digits"});
    }
  }
  if (!request.name_prefix().empty()) {
    query->folded_prefix = FoldForSearch(request.name_prefix());
  }
}

absl::StatusOr<Query> ParseQuery(const v1::ListLeadsRequest& request) {
  Query query;
  Violations violations;
  ParseEquals(request, &query, &violations);
  ParseArchived(request.archived(), &query, &violations);
  query.created = ParseRange(request.created(), "created", &violations);
  query.modified = ParseRange(request.modified(), "modified", &violations);
  ParseLookups(request, &query, &violations);
  if (!v1::LeadOrder_IsValid(request.order_by())) {
    violations.push_back({"order_by", "must be a known order"});
  } else if (request.order_by() != v1::LEAD_ORDER_UNSPECIFIED) {
    query.order = request.order_by();
  }
  query.descending = request.descending();
  if (!violations.empty()) return InvalidArgument(violations);
  return query;
}

// A digest of the request less its paging fields: the list it asks for.
std::string RequestHash(const v1::ListLeadsRequest& request) {
  v1::ListLeadsRequest list = request;
  list.clear_page_token();
  list.clear_page_size();
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream out(&stream);
    out.SetSerializationDeterministic(true);
    list.SerializeToCodedStream(&out);
  }
  std::string hash(kHashBytes, '\0');
  crypto_generichash(Bytes(hash), hash.size(), Bytes(bytes), bytes.size(),
                     nullptr, 0);
  return hash;
}

// ---- Matching one lead.

bool MatchesLookups(const Query& query, const v1::Lead& lead) {
  if (!query.email.empty() &&
      store::EmailIndexForm(lead.email1()) != query.email &&
      store::EmailIndexForm(lead.email2()) != query.email) {
    return false;
  }
  if (!query.phone.empty() && lead.phone1().e164() != query.phone &&
      lead.phone2().e164() != query.phone &&
      lead.mobile().e164() != query.phone && lead.fax().e164() != query.phone) {
    return false;
  }
  if (!query.tax_id.empty() &&
      store::TaxIdIndexForm(lead.tax_id()) != query.tax_id) {
    return false;
  }
  if (query.folded_prefix.has_value() &&
      !absl::StartsWith(FoldForSearch(lead.name()), *query.folded_prefix) &&
      !absl::StartsWith(FoldForSearch(lead.company()), *query.folded_prefix)) {
    return false;
  }
  return true;
}

bool Matches(const Query& query, const v1::Lead& lead) {
  for (const auto& [field, value] : query.equals) {
    if (store::FilterValue(field, lead) != value) return false;
  }
  if (std::find(query.archived_states.begin(), query.archived_states.end(),
                lead.archived()) == query.archived_states.end()) {
    return false;
  }
  if (!Contains(query.created, lead.created_at()) ||
      !Contains(query.modified, lead.modified_at())) {
    return false;
  }
  return MatchesLookups(query, lead);
}

// ---- Index ranges.

KeyRange TimeKeys(v1::LeadOrder order, const TimeBounds& bounds) {
  const std::string prefix = store::OrderIndexPrefix(order);
  return KeyRange{
      bounds.from ? store::TimeOrderStart(order, *bounds.from) : prefix,
      bounds.to ? store::TimeOrderStart(order, *bounds.to)
                : store::PrefixEnd(prefix)};
}

// The part of the order index that can hold matching leads.
KeyRange OrderRange(const Query& query) {
  switch (query.order) {
    case v1::LEAD_ORDER_CREATED:
      return TimeKeys(query.order, query.created);
    case v1::LEAD_ORDER_MODIFIED:
      return TimeKeys(query.order, query.modified);
    case v1::LEAD_ORDER_STATUS:
      for (const auto& [field, value] : query.equals) {
        if (field == FilterField::kStatus) {
          return PrefixRange(store::StatusOrderPrefix(value));
        }
      }
      break;
    default:
      break;
  }
  return PrefixRange(store::OrderIndexPrefix(query.order));
}

Source EqualsSource(const Query& query, FilterField field,
                    const std::string& value) {
  Source source;
  for (bool archived : query.archived_states) {
    source.push_back(PrefixRange(store::FilterPrefix(field, value, archived)));
  }
  return source;
}

// The indexes that can each yield a superset of the matching leads, most
// selective kinds first. Deterministic, so every page sees the same list.
std::vector<Source> Sources(const Query& query) {
  std::vector<Source> sources;
  if (!query.tax_id.empty()) {
    sources.push_back({PrefixRange(store::TaxIdLookupPrefix(query.tax_id))});
  }
  if (!query.email.empty()) {
    sources.push_back({PrefixRange(store::EmailLookupPrefix(query.email))});
  }
  if (!query.phone.empty()) {
    sources.push_back({PrefixRange(store::PhoneLookupPrefix(query.phone))});
  }
  if (query.folded_prefix.has_value()) {
    sources.push_back(
        {PrefixRange(store::NameSearchPrefix(*query.folded_prefix)),
         PrefixRange(store::CompanySearchPrefix(*query.folded_prefix))});
  }
  for (const auto& [field, value] : query.equals) {
    sources.push_back(EqualsSource(query, field, value));
  }
  if (query.created.set()) {
    sources.push_back({TimeKeys(v1::LEAD_ORDER_CREATED, query.created)});
  }
  if (query.modified.set()) {
    sources.push_back({TimeKeys(v1::LEAD_ORDER_MODIFIED, query.modified)});
  }
  return sources;
}

// ---- Reading at the snapshot.

// Reads the list's leads at one snapshot.
class SnapshotReader {
 public:
  SnapshotReader(const ReadModel& model, const ReadModelSnapshot& snapshot)
      : model_(model), snapshot_(snapshot) {}

  // Calls `visit` with the lead ID of each entry of `source`, until it
  // returns false.
  template <typename Visit>
  absl::Status ForEachId(const Source& source, Visit visit) const {
    for (const KeyRange& range : source) {
      std::unique_ptr<rocksdb::Iterator> it = Iterator();
      for (it->Seek(ToSlice(range.start));
           it->Valid() && ToView(it->key()) < range.end; it->Next()) {
        std::optional<std::string> id =
            store::LeadIdOfIndexKey(ToView(it->key()));
        if (id.has_value() && !visit(*id)) return absl::OkStatus();
      }
      if (absl::Status s = FromRocks(it->status()); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // The lead `id`, when it exists and passes `query`.
  absl::StatusOr<std::optional<v1::Lead>> Matching(
      const Query& query, const std::string& id) const {
    absl::StatusOr<std::optional<store::StoredLeadRecord>> stored =
        model_.GetLead(id, &snapshot_);
    if (!stored.ok()) return stored.status();
    if (!stored->has_value() || !Matches(query, (*stored)->lead())) {
      return std::nullopt;
    }
    return std::move(*(*stored)->mutable_lead());
  }

  std::unique_ptr<rocksdb::Iterator> Iterator() const {
    return model_.NewIterator(store::Family::kIndexes, &snapshot_);
  }

  const ReadModel& model() const { return model_; }

  const ReadModelSnapshot* snapshot() const { return &snapshot_; }

 private:
  const ReadModel& model_;
  const ReadModelSnapshot& snapshot_;
};

// Entries in `source`, counted up to `cap`.
absl::StatusOr<size_t> CountUpTo(const SnapshotReader& reader,
                                 const Source& source, size_t cap) {
  size_t count = 0;
  absl::Status status = reader.ForEachId(
      source, [&count, cap](const std::string&) { return ++count < cap; });
  if (!status.ok()) return status;
  return count;
}

// Matching leads among the entries of `source`, counted one by one.
absl::StatusOr<int64_t> CountMatching(const SnapshotReader& reader,
                                      const Query& query,
                                      const Source& source) {
  int64_t count = 0;
  absl::Status failure;
  absl::Status status = reader.ForEachId(source, [&](const std::string& id) {
    absl::StatusOr<std::optional<v1::Lead>> lead = reader.Matching(query, id);
    if (!lead.ok()) failure = lead.status();
    if (lead.ok() && lead->has_value()) ++count;
    return failure.ok();
  });
  if (!status.ok()) return status;
  if (!failure.ok()) return failure;
  return count;
}

// Whether `a` comes before `b` in the list.
bool ListedBefore(const Query& query, absl::string_view a,
                  absl::string_view b) {
  return query.descending ? b < a : a < b;
}

// Every matching lead named in `source`, in list order.
absl::StatusOr<std::vector<Listed>> Candidates(const SnapshotReader& reader,
                                               const Query& query,
                                               const Source& source) {
  std::vector<std::string> ids;
  absl::Status status = reader.ForEachId(source, [&ids](const std::string& id) {
    ids.push_back(id);
    return true;
  });
  if (!status.ok()) return status;
  // A lead named twice (by its name and its company) is listed once.
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());

  std::vector<Listed> listed;
  for (const std::string& id : ids) {
    absl::StatusOr<std::optional<v1::Lead>> lead = reader.Matching(query, id);
    if (!lead.ok()) return lead.status();
    if (!lead->has_value()) continue;
    std::string key = store::OrderIndexKey(query.order, **lead);
    listed.push_back(Listed{std::move(key), **std::move(lead)});
  }
  std::sort(listed.begin(), listed.end(),
            [&query](const Listed& a, const Listed& b) {
              return ListedBefore(query, a.key, b.key);
            });
  return listed;
}

// The page of a list whose leads were found on its first page: `size`
// of `ids`, from the `offset`th.
absl::StatusOr<std::vector<Listed>> CandidatePage(
    const SnapshotReader& reader, const Query& query,
    const std::vector<std::string>& ids, uint64_t offset, size_t size) {
  std::vector<Listed> page;
  for (uint64_t i = offset; i < ids.size() && page.size() < size; ++i) {
    absl::StatusOr<std::optional<v1::Lead>> lead =
        reader.Matching(query, ids[i]);
    if (!lead.ok()) return lead.status();
    if (!lead->has_value()) continue;
    std::string key = store::OrderIndexKey(query.order, **lead);
    page.push_back(Listed{std::move(key), **std::move(lead)});
  }
  return page;
}

// Puts `it` on the first entry of the page: the first of `range` in list
// order, or the one after `cursor`.
void SeekPageStart(const Query& query, const KeyRange& range,
                   const std::string& cursor, rocksdb::Iterator* it) {
  if (query.descending) {
    const std::string& from = cursor.empty() ? range.end : cursor;
    it->SeekForPrev(ToSlice(from));
    // Neither the range's end nor the cursor belongs to the page.
    if (it->Valid() && ToView(it->key()) == from) it->Prev();
    return;
  }
  it->Seek(ToSlice(cursor.empty() ? range.start : cursor));
  if (!cursor.empty() && it->Valid() && ToView(it->key()) == cursor) {
    it->Next();
  }
}

// Walks the order index from the position, keeping matching leads.
absl::StatusOr<std::vector<Listed>> ScanPage(const SnapshotReader& reader,
                                             const Query& query,
                                             const std::string& cursor,
                                             size_t size) {
  const KeyRange range = OrderRange(query);
  std::unique_ptr<rocksdb::Iterator> it = reader.Iterator();
  std::vector<Listed> page;
  for (SeekPageStart(query, range, cursor, it.get());
       it->Valid() && page.size() < size;
       query.descending ? it->Prev() : it->Next()) {
    const absl::string_view key = ToView(it->key());
    if (query.descending ? key < range.start : key >= range.end) break;
    std::optional<std::string> id = store::LeadIdOfIndexKey(key);
    if (!id.has_value()) continue;
    absl::StatusOr<std::optional<v1::Lead>> lead = reader.Matching(query, *id);
    if (!lead.ok()) return lead.status();
    if (lead->has_value()) {
      page.push_back(Listed{std::string(key), **std::move(lead)});
    }
  }
  if (absl::Status s = FromRocks(it->status()); !s.ok()) return s;
  return page;
}

// ---- Planning and counting.

// The plan of a list: the source that drives it, and its total.
struct Plan {
  int64_t total = 0;
  // With a selective filter, the IDs of every matching lead in list order;
  // null when the list walks the order index.
  std::shared_ptr<const std::vector<std::string>> candidates;
};

// The most selective source that yields at most `limit` entries; -1 when
// none does.
absl::StatusOr<int> ChooseDriver(const SnapshotReader& reader,
                                 const std::vector<Source>& sources,
                                 size_t limit) {
  int driver = -1;
  size_t fewest = limit + 1;
  for (size_t i = 0; i < sources.size(); ++i) {
    absl::StatusOr<size_t> count = CountUpTo(reader, sources[i], limit + 1);
    if (!count.ok()) return count.status();
    if (*count < fewest) {
      fewest = *count;
      driver = static_cast<int>(i);
    }
  }
  return driver;
}

absl::StatusOr<int64_t> CounterSum(const SnapshotReader& reader,
                                   const Query& query,
                                   const std::optional<FilterField>& field,
                                   const std::string& value) {
  int64_t sum = 0;
  for (bool archived : query.archived_states) {
    absl::StatusOr<int64_t> count = store::ReadIndexCount(
        reader.model(),
        field ? store::FilterCountKey(*field, value, archived)
              : store::AllLeadsCountKey(archived),
        reader.snapshot());
    if (!count.ok()) return count.status();
    sum += *count;
  }
  return sum;
}

// Whether the counters alone give the total: at most one equality filter
// besides archiving.
bool CountersSuffice(const Query& query) {
  return query.equals.size() <= 1 && query.email.empty() &&
         query.phone.empty() && query.tax_id.empty() &&
         !query.folded_prefix.has_value() && !query.created.set() &&
         !query.modified.set();
}

// The total of a list that walks the order index.
absl::StatusOr<int64_t> ScanTotal(const SnapshotReader& reader,
                                  const Query& query) {
  if (CountersSuffice(query)) {
    if (query.equals.empty()) return CounterSum(reader, query, {}, "");
    return CounterSum(reader, query, query.equals[0].first,
                      query.equals[0].second);
  }
  // Read the leads of the narrowest range known without counting: the
  // smallest equality filter, else a time range, else the order range.
  Source smallest = {OrderRange(query)};
  if (query.created.set()) {
    smallest = {TimeKeys(v1::LEAD_ORDER_CREATED, query.created)};
  } else if (query.modified.set()) {
    smallest = {TimeKeys(v1::LEAD_ORDER_MODIFIED, query.modified)};
  }
  int64_t fewest = -1;
  for (const auto& [field, value] : query.equals) {
    absl::StatusOr<int64_t> count = CounterSum(reader, query, field, value);
    if (!count.ok()) return count.status();
    if (fewest < 0 || *count < fewest) {
      fewest = *count;
      smallest = EqualsSource(query, field, value);
    }
  }
  return CountMatching(reader, query, smallest);
}

absl::StatusOr<Plan> MakePlan(const SnapshotReader& reader, const Query& query,
                              size_t limit) {
  const std::vector<Source> sources = Sources(query);
  absl::StatusOr<int> driver = ChooseDriver(reader, sources, limit);
  if (!driver.ok()) return driver.status();
  if (*driver < 0) {
    absl::StatusOr<int64_t> total = ScanTotal(reader, query);
    if (!total.ok()) return total.status();
    return Plan{*total, nullptr};
  }
  absl::StatusOr<std::vector<Listed>> all =
      Candidates(reader, query, sources[*driver]);
  if (!all.ok()) return all.status();
  auto ids = std::make_shared<std::vector<std::string>>();
  for (const Listed& listed : *all) ids->push_back(listed.lead.id());
  return Plan{static_cast<int64_t>(ids->size()), std::move(ids)};
}

absl::StatusOr<std::vector<Listed>> ReadPage(
    const SnapshotReader& reader, const Query& query,
    const std::vector<std::string>* candidates, uint64_t offset,
    const std::string& cursor, size_t size) {
  if (candidates == nullptr) return ScanPage(reader, query, cursor, size);
  return CandidatePage(reader, query, *candidates, offset, size);
}

// ---- Page tokens and sessions.

absl::Status ForeignToken() {
  return InvalidArgument(
      {{"page_token", "is not a token this service issued"}});
}

std::string RandomBytes(size_t size) {
  std::string bytes(size, '\0');
  randombytes_buf(bytes.data(), bytes.size());
  return bytes;
}

}  // namespace

LeadLister::LeadLister(const ReadModel* model) : LeadLister(model, Options()) {}

LeadLister::LeadLister(const ReadModel* model, Options options)
    : model_(model), options_(std::move(options)) {
  if (sodium_init() < 0) std::abort();
  token_key_ = RandomBytes(crypto_secretbox_KEYBYTES);
}

LeadLister::~LeadLister() = default;

absl::StatusOr<v1::ListLeadsResponse> LeadLister::List(
    const v1::ListLeadsRequest& request, int page_size) {
  absl::StatusOr<Query> query = ParseQuery(request);
  if (!query.ok()) return query.status();
  const std::string request_hash = RequestHash(request);

  Token token{RandomBytes(kSessionIdBytes), request_hash, Position()};
  Session session;
  if (request.page_token().empty()) {
    session.snapshot = model_->TakeSnapshot();
    absl::StatusOr<Plan> plan =
        MakePlan(SnapshotReader(*model_, *session.snapshot), *query,
                 options_.candidate_limit);
    if (!plan.ok()) return plan.status();
    session.candidates = std::move(plan->candidates);
    session.total = plan->total;
    session.started = session.last_used = options_.now();
  } else {
    auto resumed = Resume(request.page_token(), request_hash);
    if (!resumed.ok()) return resumed.status();
    std::tie(token, session) = *std::move(resumed);
  }

  const size_t size = static_cast<size_t>(std::max(page_size, 1));
  absl::StatusOr<std::vector<Listed>> page =
      ReadPage(SnapshotReader(*model_, *session.snapshot), *query,
               session.candidates.get(), token.position.offset,
               token.position.cursor, size);
  if (!page.ok()) return page.status();
  v1::ListLeadsResponse response;
  response.set_total_size(session.total);
  for (Listed& listed : *page) *response.add_leads() = std::move(listed.lead);

  token.position.offset += page->size();
  if (!page->empty()) token.position.cursor = std::move(page->back().key);
  response.set_next_page_token(Continue(token, session, page->size() == size));
  return response;
}

std::string LeadLister::Continue(const Token& token, const Session& session,
                                 bool page_full) {
  // A short page is the last; so is one that reaches the total.
  if (!page_full ||
      token.position.offset >= static_cast<uint64_t>(session.total)) {
    End(token.session_id);
    return std::string();
  }
  Keep(token.session_id, session);
  return Seal(token);
}

absl::StatusOr<std::pair<LeadLister::Token, LeadLister::Session>>
LeadLister::Resume(absl::string_view page_token,
                   const std::string& request_hash) {
  absl::StatusOr<Token> token = Unseal(page_token);
  if (!token.ok()) return token.status();
  if (token->request_hash != request_hash) {
    return InvalidArgument(
        {{"page_token",
          "belongs to a list with other filters or another order; start the "
          "list again"}});
  }
  absl::StatusOr<Session> session = Find(token->session_id);
  if (!session.ok()) return session.status();
  return std::make_pair(*std::move(token), *std::move(session));
}

std::string LeadLister::Seal(const Token& token) const {
  std::string payload(1, kTokenFormat);
  absl::StrAppend(&payload, token.session_id, token.request_hash);
  char offset[kOffsetBytes];
  absl::big_endian::Store64(offset, token.position.offset);
  payload.append(offset, kOffsetBytes);
  payload.append(token.position.cursor);

  // Encrypted as well as authenticated: the cursor holds a lead's sort key.
  std::string sealed = RandomBytes(crypto_secretbox_NONCEBYTES);
  sealed.resize(sealed.size() + crypto_secretbox_MACBYTES + payload.size());
  crypto_secretbox_easy(Bytes(sealed) + crypto_secretbox_NONCEBYTES,
                        Bytes(payload), payload.size(), Bytes(sealed),
                        Bytes(token_key_));
  return absl::WebSafeBase64Escape(sealed);
}

absl::StatusOr<LeadLister::Token> LeadLister::Unseal(
    absl::string_view text) const {
  std::string sealed;
  if (!absl::WebSafeBase64Unescape(text, &sealed) ||
      sealed.size() < kSealBytes + kTokenBytes) {
    return ForeignToken();
  }
  std::string payload(sealed.size() - kSealBytes, '\0');
  if (crypto_secretbox_open_easy(Bytes(payload),
                                 Bytes(sealed) + crypto_secretbox_NONCEBYTES,
                                 sealed.size() - crypto_secretbox_NONCEBYTES,
                                 Bytes(sealed), Bytes(token_key_)) != 0 ||
      payload[0] != kTokenFormat) {
    return ForeignToken();
  }
  absl::string_view rest(payload);
  rest.remove_prefix(1);
  Token token;
  token.session_id = std::string(rest.substr(0, kSessionIdBytes));
  rest.remove_prefix(kSessionIdBytes);
  token.request_hash = std::string(rest.substr(0, kHashBytes));
  rest.remove_prefix(kHashBytes);
  token.position.offset = absl::big_endian::Load64(rest.data());
  token.position.cursor = std::string(rest.substr(kOffsetBytes));
  return token;
}

absl::StatusOr<LeadLister::Session> LeadLister::Find(const std::string& id) {
  const absl::Time now = options_.now();
  absl::MutexLock lock(&mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end() || Expired(it->second, now)) {
    if (it != sessions_.end()) sessions_.erase(it);
    return InvalidArgument(
        {{"page_token", "has expired; start the list again"}});
  }
  it->second.last_used = now;
  return it->second;
}

void LeadLister::Keep(const std::string& id, const Session& session) {
  const absl::Time now = options_.now();
  absl::MutexLock lock(&mutex_);
  if (!sessions_.contains(id)) SweepLocked(now);
  sessions_[id] = session;
}

void LeadLister::End(const std::string& id) {
  absl::MutexLock lock(&mutex_);
  sessions_.erase(id);
}

bool LeadLister::Expired(const Session& session, absl::Time now) const {
  return now - session.last_used > options_.idle_timeout ||
         now - session.started > options_.max_age;
}

void LeadLister::SweepLocked(absl::Time now) {
  std::erase_if(sessions_, [this, now](const auto& entry) {
    return Expired(entry.second, now);
  });
  // Full of live sessions: the least recently used makes room.
  while (!sessions_.empty() && sessions_.size() >= options_.max_sessions) {
    auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(), [](const auto& a, const auto& b) {
          return a.second.last_used < b.second.last_used;
        });
    sessions_.erase(oldest);
  }
}

size_t LeadLister::open_sessions() const {
  absl::MutexLock lock(&mutex_);
  return sessions_.size();
}

}  // namespace crm::leads
