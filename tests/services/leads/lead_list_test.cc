#include "services/leads/lead_list.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <absl/strings/escaping.h>
#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include "libs/domain/checks.h"
#include "libs/domain/lead_fields.h"
#include "libs/eventlog/record.h"
#include "libs/store/lead_index.h"
#include "services/leads/projector.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace crm::leads {
namespace {

using crm::testing::IsOk;
using crm::testing::StatusIs;
using google::protobuf::Timestamp;
using google::protobuf::util::TimeUtil;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kBaseSeconds = 1'700'000'000;

std::string IdOf(int n) {
  char id[37];
  std::snprintf(id, sizeof(id), "0190a5b2-0000-7000-8000-%012d", n);
  return id;
}

Timestamp At(int64_t offset_seconds) {
  return TimeUtil::SecondsToTimestamp(kBaseSeconds + offset_seconds);
}

// A lead with ID number `n`, created and last modified `n` minutes after
// the base time.
v1::Lead NewLead(int n, const std::string& name) {
  v1::Lead lead;
  lead.set_id(IdOf(n));
  lead.set_version(1);
  lead.set_name(name);
  *lead.mutable_created_at() = At(60 * n);
  *lead.mutable_modified_at() = At(60 * n);
  lead.set_status("new");
  lead.set_status_category(v1::STATUS_CATEGORY_OPEN);
  return lead;
}

std::vector<std::string> IdsOf(const v1::ListLeadsResponse& response) {
  std::vector<std::string> ids;
  for (const v1::Lead& lead : response.leads()) ids.push_back(lead.id());
  return ids;
}

class LeadList : public ::testing::Test {
 protected:
  void SetUp() override {
    auto model = store::ReadModel::Open(dir_.path());
    ASSERT_THAT(model, IsOk());
    model_ = *std::move(model);
    options_.now = [this] { return now_; };
    lister_ = std::make_unique<LeadLister>(model_.get(), options_);
  }

  void UseOptions(const LeadLister::Options& options) {
    options_ = options;
    options_.now = [this] { return now_; };
    lister_ = std::make_unique<LeadLister>(model_.get(), options_);
  }

  // Writes `lead` and its index entries, as the projector does.
  void Store(const v1::Lead& lead) {
    auto stored = model_->GetLead(lead.id());
    ASSERT_THAT(stored, IsOk());
    store::ReadModelBatch batch = model_->NewBatch();
    const v1::Lead* before = stored->has_value() ? &(*stored)->lead() : nullptr;
    store::StageIndexChanges(&batch, before, lead);
    store::StoredLeadRecord record;
    *record.mutable_lead() = lead;
    batch.PutLead(record);
    ASSERT_THAT(model_->Commit(batch), IsOk());
  }

  v1::Lead Stored(int n) {
    auto stored = model_->GetLead(IdOf(n));
    EXPECT_TRUE(stored.ok() && stored->has_value());
    return (*stored)->lead();
  }

  // Stores leads 1..count named "Lead <n>".
  void StoreNumbered(int count) {
    for (int n = 1; n <= count; ++n) {
      Store(NewLead(n, "Lead " + std::to_string(n)));
    }
  }

  absl::StatusOr<v1::ListLeadsResponse> List(
      const v1::ListLeadsRequest& request, int page_size = 100) {
    return lister_->List(request, page_size);
  }

  // IDs of one single-page list.
  std::vector<std::string> Ids(const v1::ListLeadsRequest& request) {
    absl::StatusOr<v1::ListLeadsResponse> response = List(request);
    EXPECT_THAT(response, IsOk());
    if (!response.ok()) return {};
    EXPECT_THAT(response->next_page_token(), IsEmpty());
    return IdsOf(*response);
  }

  // Every page of `request`, running `between` after each page but the
  // last. Checks that total_size is the same on every page.
  std::vector<std::string> AllPages(
      v1::ListLeadsRequest request, int page_size,
      const std::function<void(int)>& between = [](int) {}) {
    std::vector<std::string> ids;
    int64_t total = -1;
    for (int page = 0; page < 10'000; ++page) {
      absl::StatusOr<v1::ListLeadsResponse> response = List(request, page_size);
      EXPECT_THAT(response, IsOk());
      if (!response.ok()) break;
      if (total >= 0) {
        EXPECT_EQ(response->total_size(), total);
      }
      total = response->total_size();
      for (const v1::Lead& lead : response->leads()) ids.push_back(lead.id());
      if (response->next_page_token().empty()) break;
      request.set_page_token(response->next_page_token());
      between(page);
    }
    EXPECT_EQ(static_cast<int64_t>(ids.size()), total);
    return ids;
  }

  crm::testing::TempDir dir_;
  std::unique_ptr<store::ReadModel> model_;
  absl::Time now_ = absl::FromUnixSeconds(kBaseSeconds);
  LeadLister::Options options_;
  std::unique_ptr<LeadLister> lister_;
};

// ---- Filters.

TEST_F(LeadList, DefaultListsLeadsNotArchivedOldestFirst) {
  StoreNumbered(3);
  v1::Lead archived = NewLead(4, "Archived");
  archived.set_archived(true);
  Store(archived);

  EXPECT_THAT(Ids(v1::ListLeadsRequest()),
              ElementsAre(IdOf(1), IdOf(2), IdOf(3)));
}

TEST_F(LeadList, ArchivedFilterSelectsArchivedOrAll) {
  StoreNumbered(2);
  v1::Lead archived = NewLead(3, "Archived");
  archived.set_archived(true);
  Store(archived);

  v1::ListLeadsRequest request;
  request.set_archived(v1::ARCHIVED_FILTER_ARCHIVED);
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(3)));
  request.set_archived(v1::ARCHIVED_FILTER_ALL);
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(1), IdOf(2), IdOf(3)));
  request.set_archived(v1::ARCHIVED_FILTER_ACTIVE);
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(1), IdOf(2)));
}

TEST_F(LeadList, EachCodeFilterMatchesOnlyItsField) {
  StoreNumbered(7);
  v1::Lead lead = Stored(2);
  lead.set_status("won");
  lead.set_status_category(v1::STATUS_CATEGORY_QUALIFIED);
  Store(lead);
  for (auto [n, setter] :
       std::vector<std::pair<int, std::function<void(v1::Lead*)>>>{
           {3, [](v1::Lead* l) { l->set_source("fair"); }},
           {4, [](v1::Lead* l) { l->set_agent("ana"); }},
           {5, [](v1::Lead* l) { l->set_source_campaign("spring"); }},
           {6, [](v1::Lead* l) { l->set_interest_level("high"); }}}) {
    lead = Stored(n);
    setter(&lead);
    Store(lead);
  }

  v1::ListLeadsRequest status;
  status.set_status("won");
  EXPECT_THAT(Ids(status), ElementsAre(IdOf(2)));
  v1::ListLeadsRequest category;
  category.set_status_category(v1::STATUS_CATEGORY_QUALIFIED);
  EXPECT_THAT(Ids(category), ElementsAre(IdOf(2)));
  v1::ListLeadsRequest source;
  source.set_source("fair");
  EXPECT_THAT(Ids(source), ElementsAre(IdOf(3)));
  v1::ListLeadsRequest agent;
  agent.set_agent("ana");
  EXPECT_THAT(Ids(agent), ElementsAre(IdOf(4)));
  v1::ListLeadsRequest campaign;
  campaign.set_campaign("spring");
  EXPECT_THAT(Ids(campaign), ElementsAre(IdOf(5)));
  v1::ListLeadsRequest interest;
  interest.set_interest_level("high");
  EXPECT_THAT(Ids(interest), ElementsAre(IdOf(6)));
}

TEST_F(LeadList, CreatedRangeIncludesFromAndExcludesTo) {
  StoreNumbered(5);

  v1::ListLeadsRequest request;
  *request.mutable_created()->mutable_from() = At(120);
  *request.mutable_created()->mutable_to() = At(240);
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(2), IdOf(3)));
}

TEST_F(LeadList, ModifiedRangeWithOneBoundIsOpenOnTheOther) {
  StoreNumbered(3);
  v1::Lead lead = Stored(1);
  *lead.mutable_modified_at() = At(1000);
  Store(lead);

  v1::ListLeadsRequest request;
  *request.mutable_modified()->mutable_from() = At(180);
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(1), IdOf(3)));
  v1::ListLeadsRequest before;
  *before.mutable_modified()->mutable_to() = At(180);
  EXPECT_THAT(Ids(before), ElementsAre(IdOf(2)));
}

TEST_F(LeadList, EmailMatchesEitherAddressIgnoringCase) {
  StoreNumbered(3);
  v1::Lead lead = Stored(2);
  lead.set_email2("Ventas@Acme.test");
  Store(lead);

  v1::ListLeadsRequest request;
  request.set_email("ventas@ACME.test");
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(2)));
}

TEST_F(LeadList, PhoneMatchesAnyOfTheFourNumbers) {
  StoreNumbered(4);
  v1::Lead lead = Stored(1);
  lead.mutable_fax()->set_e164("+34911111111");
  Store(lead);
  lead = Stored(3);
  lead.mutable_mobile()->set_e164("+34911111111");
  Store(lead);

  v1::ListLeadsRequest request;
  request.set_phone("+34911111111");
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(1), IdOf(3)));
}

TEST_F(LeadList, TaxIdIgnoresCaseSpacesAndDashes) {
  StoreNumbered(2);
  v1::Lead lead = Stored(2);
  lead.set_tax_id("B12345678");
  Store(lead);

  v1::ListLeadsRequest request;
  request.set_tax_id("b-1234 5678");
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(2)));
}

TEST_F(LeadList, NamePrefixMatchesNameOrCompany) {
  Store(NewLead(1, "Acme Iberia"));
  v1::Lead by_company = NewLead(2, "Ana Ruiz");
  by_company.set_company("ACME Group");
  Store(by_company);
  Store(NewLead(3, "Zeta"));

  v1::ListLeadsRequest request;
  request.set_name_prefix("acm");
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(1), IdOf(2)));
}

TEST_F(LeadList, NamePrefixIgnoresAccentsOnBothSides) {
  Store(NewLead(1, "PEÑA HERMANOS"));
  Store(NewLead(2, "Penalver"));
  Store(NewLead(3, "Pérez"));

  v1::ListLeadsRequest plain;
  plain.set_name_prefix("pena");
  EXPECT_THAT(Ids(plain), ElementsAre(IdOf(1), IdOf(2)));
  v1::ListLeadsRequest accented;
  accented.set_name_prefix("peña");
  EXPECT_THAT(Ids(accented), ElementsAre(IdOf(1), IdOf(2)));
}

TEST_F(LeadList, FiltersCombine) {
  StoreNumbered(4);
  for (int n : {2, 3}) {
    v1::Lead lead = Stored(n);
    lead.set_agent("ana");
    lead.set_source(n == 2 ? "web" : "fair");
    Store(lead);
  }

  v1::ListLeadsRequest request;
  request.set_agent("ana");
  request.set_source("fair");
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(3)));
}

TEST_F(LeadList, UnusableFilterValuesAreRefusedByField) {
  v1::ListLeadsRequest request;
  request.set_status_category(static_cast<v1::StatusCategory>(42));
  request.set_tax_id(" - ");
  request.mutable_created()->mutable_from()->set_nanos(-1);
  absl::StatusOr<v1::ListLeadsResponse> response = List(request);

  EXPECT_THAT(response, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(response.status().message()),
              AllOf(HasSubstr("status_category"), HasSubstr("tax_id"),
                    HasSubstr("created.from")));
}

// ---- Orders.

TEST_F(LeadList, CreatedOrderDescendingIsNewestFirst) {
  StoreNumbered(3);

  v1::ListLeadsRequest request;
  request.set_descending(true);
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(3), IdOf(2), IdOf(1)));
}

TEST_F(LeadList, ModifiedOrderFollowsTheLastChange) {
  StoreNumbered(3);
  v1::Lead lead = Stored(1);
  *lead.mutable_modified_at() = At(1000);
  Store(lead);

  v1::ListLeadsRequest request;
  request.set_order_by(v1::LEAD_ORDER_MODIFIED);
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(2), IdOf(3), IdOf(1)));
  request.set_descending(true);
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(1), IdOf(3), IdOf(2)));
}

TEST_F(LeadList, NameOrderIgnoresCase) {
  Store(NewLead(1, "beta"));
  Store(NewLead(2, "Alfa"));
  Store(NewLead(3, "GAMMA"));

  v1::ListLeadsRequest request;
  request.set_order_by(v1::LEAD_ORDER_NAME);
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(2), IdOf(1), IdOf(3)));
  request.set_descending(true);
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(3), IdOf(1), IdOf(2)));
}

TEST_F(LeadList, StatusOrderSortsByStatusThenCreated) {
  StoreNumbered(4);
  for (int n : {1, 3}) {
    v1::Lead lead = Stored(n);
    lead.set_status("won");
    Store(lead);
  }

  v1::ListLeadsRequest request;
  request.set_order_by(v1::LEAD_ORDER_STATUS);
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(2), IdOf(4), IdOf(1), IdOf(3)));
  request.set_descending(true);
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(3), IdOf(1), IdOf(4), IdOf(2)));
}

TEST_F(LeadList, EqualSortKeysAreOrderedByLeadId) {
  for (int n : {3, 1, 2}) {
    v1::Lead lead = NewLead(n, "Same");
    *lead.mutable_created_at() = At(0);
    Store(lead);
  }

  v1::ListLeadsRequest request;
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(1), IdOf(2), IdOf(3)));
  request.set_order_by(v1::LEAD_ORDER_NAME);
  request.set_descending(true);
  EXPECT_THAT(Ids(request), ElementsAre(IdOf(3), IdOf(2), IdOf(1)));
}

// ---- Pages and sessions.

TEST_F(LeadList, PagesCoverEveryLeadOnceInOrder) {
  StoreNumbered(7);

  EXPECT_THAT(AllPages(v1::ListLeadsRequest(), 3),
              ElementsAre(IdOf(1), IdOf(2), IdOf(3), IdOf(4), IdOf(5), IdOf(6),
                          IdOf(7)));
}

TEST_F(LeadList, PageThatReachesTheTotalIsTheLast) {
  StoreNumbered(4);

  absl::StatusOr<v1::ListLeadsResponse> first = List(v1::ListLeadsRequest(), 2);
  ASSERT_THAT(first, IsOk());
  v1::ListLeadsRequest next;
  next.set_page_token(first->next_page_token());
  absl::StatusOr<v1::ListLeadsResponse> second = List(next, 2);
  ASSERT_THAT(second, IsOk());

  EXPECT_THAT(IdsOf(*second), ElementsAre(IdOf(3), IdOf(4)));
  EXPECT_THAT(second->next_page_token(), IsEmpty());
  EXPECT_EQ(lister_->open_sessions(), 0u);
}

TEST_F(LeadList, OnePageListKeepsNoSession) {
  StoreNumbered(2);

  ASSERT_THAT(List(v1::ListLeadsRequest(), 5), IsOk());
  EXPECT_EQ(lister_->open_sessions(), 0u);
}

TEST_F(LeadList, WritesBetweenPagesNeitherSkipNorRepeatLeads) {
  StoreNumbered(6);
  v1::ListLeadsRequest request;
  request.set_order_by(v1::LEAD_ORDER_MODIFIED);

  const std::vector<std::string> ids = AllPages(request, 2, [this](int page) {
    // Move a listed lead to the end, an unlisted one to the start, add
    // a lead and archive another.
    v1::Lead seen = Stored(1 + page);
    *seen.mutable_modified_at() = At(5000 + page);
    Store(seen);
    v1::Lead unseen = Stored(6);
    *unseen.mutable_modified_at() = At(-1000 - page);
    Store(unseen);
    Store(NewLead(100 + page, "Late"));
    v1::Lead archived = Stored(5);
    archived.set_archived(true);
    Store(archived);
  });

  EXPECT_THAT(
      ids, ElementsAre(IdOf(1), IdOf(2), IdOf(3), IdOf(4), IdOf(5), IdOf(6)));
}

TEST_F(LeadList, LaterPagesShowLeadsAsTheyWereAtTheFirstPage) {
  StoreNumbered(2);
  absl::StatusOr<v1::ListLeadsResponse> first = List(v1::ListLeadsRequest(), 1);
  ASSERT_THAT(first, IsOk());
  v1::Lead renamed = Stored(2);
  renamed.set_name("Renamed");
  Store(renamed);

  v1::ListLeadsRequest next;
  next.set_page_token(first->next_page_token());
  absl::StatusOr<v1::ListLeadsResponse> second = List(next, 1);
  ASSERT_THAT(second, IsOk());
  ASSERT_EQ(second->leads_size(), 1);
  EXPECT_EQ(second->leads(0).name(), "Lead 2");
}

TEST_F(LeadList, PageSizeMayChangeBetweenPages) {
  StoreNumbered(5);
  absl::StatusOr<v1::ListLeadsResponse> first = List(v1::ListLeadsRequest(), 1);
  ASSERT_THAT(first, IsOk());

  v1::ListLeadsRequest next;
  next.set_page_token(first->next_page_token());
  absl::StatusOr<v1::ListLeadsResponse> rest = List(next, 10);
  ASSERT_THAT(rest, IsOk());
  EXPECT_THAT(IdsOf(*rest), ElementsAre(IdOf(2), IdOf(3), IdOf(4), IdOf(5)));
}

TEST_F(LeadList, TokenWithOtherFiltersIsRefused) {
  StoreNumbered(3);
  absl::StatusOr<v1::ListLeadsResponse> first = List(v1::ListLeadsRequest(), 1);
  ASSERT_THAT(first, IsOk());

  v1::ListLeadsRequest changed;
  changed.set_page_token(first->next_page_token());
  changed.set_descending(true);
  absl::StatusOr<v1::ListLeadsResponse> refused = List(changed, 1);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("page_token: belongs to a list with other filters"));
}

TEST_F(LeadList, AlteredTokenIsRefused) {
  StoreNumbered(3);
  absl::StatusOr<v1::ListLeadsResponse> first = List(v1::ListLeadsRequest(), 1);
  ASSERT_THAT(first, IsOk());
  std::string bytes;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(first->next_page_token(), &bytes));
  bytes[bytes.size() / 2] ^= 1;

  v1::ListLeadsRequest next;
  next.set_page_token(absl::WebSafeBase64Escape(bytes));
  absl::StatusOr<v1::ListLeadsResponse> refused = List(next, 1);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("page_token: is not a token this service issued"));
}

TEST_F(LeadList, GarbageTokenIsRefused) {
  v1::ListLeadsRequest request;
  request.set_page_token("not a token");

  EXPECT_THAT(List(request), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(LeadList, TokenOfAnotherListerIsRefused) {
  StoreNumbered(3);
  absl::StatusOr<v1::ListLeadsResponse> first = List(v1::ListLeadsRequest(), 1);
  ASSERT_THAT(first, IsOk());
  LeadLister restarted(model_.get());

  v1::ListLeadsRequest next;
  next.set_page_token(first->next_page_token());
  EXPECT_THAT(restarted.List(next, 1),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(LeadList, IdleSessionExpires) {
  StoreNumbered(3);
  absl::StatusOr<v1::ListLeadsResponse> first = List(v1::ListLeadsRequest(), 1);
  ASSERT_THAT(first, IsOk());
  now_ += options_.idle_timeout + absl::Seconds(1);

  v1::ListLeadsRequest next;
  next.set_page_token(first->next_page_token());
  absl::StatusOr<v1::ListLeadsResponse> refused = List(next, 1);
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(std::string(refused.status().message()),
              HasSubstr("page_token: has expired; start the list again"));
}

TEST_F(LeadList, SessionInUseExpiresAtItsMaximumAge) {
  StoreNumbered(10);
  v1::ListLeadsRequest request;
  absl::Status status;
  for (int page = 0; page < 10 && status.ok(); ++page) {
    absl::StatusOr<v1::ListLeadsResponse> response = List(request, 1);
    status = response.status();
    if (response.ok()) request.set_page_token(response->next_page_token());
    now_ += options_.max_age / 4;
  }

  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(LeadList, FullCacheDropsTheLeastRecentlyUsedSession) {
  LeadLister::Options options;
  options.max_sessions = 2;
  UseOptions(options);
  StoreNumbered(3);
  std::vector<std::string> tokens;
  for (int i = 0; i < 3; ++i) {
    absl::StatusOr<v1::ListLeadsResponse> first =
        List(v1::ListLeadsRequest(), 1);
    ASSERT_THAT(first, IsOk());
    tokens.push_back(first->next_page_token());
    now_ += absl::Seconds(1);
  }

  EXPECT_EQ(lister_->open_sessions(), 2u);
  v1::ListLeadsRequest oldest;
  oldest.set_page_token(tokens[0]);
  EXPECT_THAT(List(oldest, 1), StatusIs(absl::StatusCode::kInvalidArgument));
  v1::ListLeadsRequest newest;
  newest.set_page_token(tokens[2]);
  EXPECT_THAT(List(newest, 1), IsOk());
}

// ---- Totals.

TEST_F(LeadList, TotalCountsEveryMatchingLeadNotJustThePage) {
  StoreNumbered(5);
  for (int n : {1, 2, 4}) {
    v1::Lead lead = Stored(n);
    lead.set_agent("ana");
    lead.set_source(n == 4 ? "fair" : "web");
    Store(lead);
  }

  absl::StatusOr<v1::ListLeadsResponse> all = List(v1::ListLeadsRequest(), 1);
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->total_size(), 5);
  v1::ListLeadsRequest agent;
  agent.set_agent("ana");
  EXPECT_EQ(List(agent, 1)->total_size(), 3);
  agent.set_source("web");
  EXPECT_EQ(List(agent, 1)->total_size(), 2);
  v1::ListLeadsRequest range;
  *range.mutable_created()->mutable_to() = At(180);
  EXPECT_EQ(List(range, 1)->total_size(), 2);
}

TEST_F(LeadList, TotalLeavesOutArchivedLeadsByDefault) {
  StoreNumbered(3);
  v1::Lead archived = Stored(2);
  archived.set_archived(true);
  Store(archived);

  EXPECT_EQ(List(v1::ListLeadsRequest(), 1)->total_size(), 2);
  v1::ListLeadsRequest all;
  all.set_archived(v1::ARCHIVED_FILTER_ALL);
  EXPECT_EQ(List(all, 1)->total_size(), 3);
}

// ---- Against a brute-force evaluation.

struct Domain {
  std::vector<std::string> statuses = {"new", "contacted", "won", "lost"};
  std::vector<std::string> codes = {"", "a", "b"};
  std::vector<std::string> names = {
      "Peña Hermanos", "PENA SL", "Acme",     "acme iberia", "Zeta",
      "Álvaro Díaz",   "alvaro",  "Ñandú SA", "Beta",
  };
  std::vector<std::string> emails = {"", "a@x.test", "A@X.test", "b@x.test"};
  std::vector<std::string> phones = {"", "+34911111111", "+34622222222"};
  std::vector<std::string> tax_ids = {"", "B12345678", "b-1234 5678",
                                      "X1234567L"};
  std::vector<std::string> prefixes = {"pe", "PEÑ", "acme", "al",
                                       "z",  "Á",   "ñ",    "b"};
};

class Generator {
 public:
  explicit Generator(uint32_t seed) : random_(seed) {}

  template <typename T>
  const T& Pick(const std::vector<T>& values) {
    return values[Below(values.size())];
  }

  size_t Below(size_t n) {
    return std::uniform_int_distribution<size_t>(0, n - 1)(random_);
  }

  bool Chance(int percent) { return Below(100) < static_cast<size_t>(percent); }

  v1::Lead Lead(int n) {
    v1::Lead lead;
    lead.set_id(IdOf(n));
    lead.set_name(Pick(domain_.names));
    if (Chance(40)) lead.set_company(Pick(domain_.names));
    // Few distinct times, so that sort keys tie.
    *lead.mutable_created_at() = At(60 * static_cast<int64_t>(Below(40)));
    *lead.mutable_modified_at() =
        At(lead.created_at().seconds() - kBaseSeconds + 30 * Below(4));
    const size_t status = Below(domain_.statuses.size());
    lead.set_status(domain_.statuses[status]);
    lead.set_status_category(static_cast<v1::StatusCategory>(1 + status % 3));
    lead.set_source(Pick(domain_.codes));
    lead.set_agent(Pick(domain_.codes));
    lead.set_source_campaign(Pick(domain_.codes));
    lead.set_interest_level(Pick(domain_.codes));
    lead.set_email1(Pick(domain_.emails));
    lead.set_email2(Pick(domain_.emails));
    lead.mutable_phone1()->set_e164(Pick(domain_.phones));
    lead.mutable_fax()->set_e164(Pick(domain_.phones));
    lead.set_tax_id(Pick(domain_.tax_ids));
    lead.set_archived(Chance(25));
    return lead;
  }

  v1::ListLeadsRequest Request() {
    v1::ListLeadsRequest request;
    if (Chance(20)) request.set_status(Pick(domain_.statuses));
    if (Chance(15)) {
      request.set_status_category(
          static_cast<v1::StatusCategory>(1 + Below(3)));
    }
    if (Chance(20)) request.set_source(Pick(domain_.codes));
    if (Chance(15)) request.set_agent(Pick(domain_.codes));
    if (Chance(15)) request.set_campaign(Pick(domain_.codes));
    if (Chance(15)) request.set_interest_level(Pick(domain_.codes));
    if (Chance(20)) Range(request.mutable_created());
    if (Chance(15)) Range(request.mutable_modified());
    request.set_archived(static_cast<v1::ArchivedFilter>(Below(4)));
    if (Chance(10)) request.set_email(Pick(domain_.emails));
    if (Chance(10)) request.set_phone(Pick(domain_.phones));
    if (Chance(10)) request.set_tax_id(Pick(domain_.tax_ids));
    if (Chance(20)) request.set_name_prefix(Pick(domain_.prefixes));
    request.set_order_by(static_cast<v1::LeadOrder>(Below(5)));
    request.set_descending(Chance(50));
    return request;
  }

 private:
  void Range(v1::TimeRange* range) {
    if (Chance(70)) *range->mutable_from() = At(60 * Below(40));
    if (Chance(70)) *range->mutable_to() = At(60 * Below(40) + 30);
  }

  std::mt19937 random_;
  Domain domain_;
};

bool Earlier(const Timestamp& a, const Timestamp& b) {
  return std::make_pair(a.seconds(), a.nanos()) <
         std::make_pair(b.seconds(), b.nanos());
}

bool InRange(const v1::TimeRange& range, const Timestamp& time) {
  return (!range.has_from() || !Earlier(time, range.from())) &&
         (!range.has_to() || Earlier(time, range.to()));
}

std::string Upper(const std::string& text) {
  std::string upper;
  for (char c : text) {
    if (c != ' ' && c != '-') upper.push_back(std::toupper(c));
  }
  return upper;
}

// The request's filters, written out plainly from the specification.
bool Passes(const v1::ListLeadsRequest& r, const v1::Lead& lead) {
  auto code = [](const std::string& want, const std::string& have) {
    return want.empty() || want == have;
  };
  auto lower = [](std::string text) {
    for (char& c : text) c = std::tolower(c);
    return text;
  };
  auto folded_prefix = [&r](const std::string& text) {
    return FoldForSearch(text).rfind(FoldForSearch(r.name_prefix()), 0) == 0;
  };
  const bool archived_ok =
      r.archived() == v1::ARCHIVED_FILTER_ALL ||
      lead.archived() == (r.archived() == v1::ARCHIVED_FILTER_ARCHIVED);
  const std::string email = lower(r.email());
  return code(r.status(), lead.status()) &&
         (r.status_category() == 0 ||
          r.status_category() == lead.status_category()) &&
         code(r.source(), lead.source()) && code(r.agent(), lead.agent()) &&
         code(r.campaign(), lead.source_campaign()) &&
         code(r.interest_level(), lead.interest_level()) && archived_ok &&
         InRange(r.created(), lead.created_at()) &&
         InRange(r.modified(), lead.modified_at()) &&
         (email.empty() || lower(lead.email1()) == email ||
          lower(lead.email2()) == email) &&
         (r.phone().empty() || lead.phone1().e164() == r.phone() ||
          lead.fax().e164() == r.phone()) &&
         (r.tax_id().empty() || Upper(lead.tax_id()) == Upper(r.tax_id())) &&
         (r.name_prefix().empty() || folded_prefix(lead.name()) ||
          folded_prefix(lead.company()));
}

bool Precedes(const v1::ListLeadsRequest& r, const v1::Lead& a,
              const v1::Lead& b) {
  auto time = [](const Timestamp& t) {
    return std::make_pair(t.seconds(), t.nanos());
  };
  auto key = [&](const v1::Lead& l) {
    switch (r.order_by()) {
      case v1::LEAD_ORDER_MODIFIED:
        return std::make_tuple(std::string(), time(l.modified_at()), l.id());
      case v1::LEAD_ORDER_NAME:
        return std::make_tuple(FoldForSearch(l.name()), time(Timestamp()),
                               l.id());
      case v1::LEAD_ORDER_STATUS:
        return std::make_tuple(l.status(), time(l.created_at()), l.id());
      default:
        return std::make_tuple(std::string(), time(l.created_at()), l.id());
    }
  };
  return r.descending() ? key(b) < key(a) : key(a) < key(b);
}

std::vector<std::string> Expected(
    const v1::ListLeadsRequest& request,
    const std::map<std::string, v1::Lead>& leads) {
  std::vector<v1::Lead> passing;
  for (const auto& [id, lead] : leads) {
    if (Passes(request, lead)) passing.push_back(lead);
  }
  std::sort(passing.begin(), passing.end(),
            [&request](const v1::Lead& a, const v1::Lead& b) {
              return Precedes(request, a, b);
            });
  std::vector<std::string> ids;
  for (const v1::Lead& lead : passing) ids.push_back(lead.id());
  return ids;
}

class LeadListBruteForce : public LeadList,
                           public ::testing::WithParamInterface<size_t> {
 protected:
  void Put(const v1::Lead& lead) {
    Store(lead);
    leads_[lead.id()] = lead;
  }

  std::map<std::string, v1::Lead> leads_;
};

TEST_P(LeadListBruteForce, RandomListsMatchAPlainEvaluation) {
  LeadLister::Options options;
  options.candidate_limit = GetParam();
  UseOptions(options);
  Generator generate(20240611);
  for (int n = 1; n <= 300; ++n) Put(generate.Lead(n));

  int next_number = 1000;
  for (int i = 0; i < 150; ++i) {
    const v1::ListLeadsRequest request = generate.Request();
    const std::vector<std::string> expected = Expected(request, leads_);
    // Writes between the first pages change the leads but not the list.
    const std::vector<std::string> listed =
        AllPages(request, 1 + generate.Below(40), [&](int page) {
          if (page >= 3) return;
          Put(generate.Lead(next_number++));
          Put(generate.Lead(1 + generate.Below(300)));
        });
    ASSERT_EQ(listed, expected) << request.ShortDebugString();
  }
}

INSTANTIATE_TEST_SUITE_P(CandidateLimits, LeadListBruteForce,
                         ::testing::Values(0, 10, 2000));

// ---- Through the projector.

eventlog::Record Sealed(v1::LeadEvent event, const std::string& previous_hash,
                        int64_t offset, std::string* hash) {
  event.set_previous_hash(previous_hash);
  eventlog::Record record;
  record.key = event.lead_id();
  record.value = event.SerializeAsString();
  *hash = eventlog::ChainHash(previous_hash, record.value);
  record.headers = {
      {std::string(eventlog::kHashHeader), eventlog::ToHex(*hash)}};
  record.partition = 0;
  record.offset = offset;
  return record;
}

TEST_F(LeadList, ProjectedChangesAreIndexedInTheSameBatch) {
  v1::LeadEvent created;
  created.set_event_id("event-1");
  created.set_lead_id(IdOf(1));
  created.set_version(1);
  *created.mutable_recorded_at() = At(0);
  *created.mutable_effective_at() = At(0);
  v1::Lead values;
  values.set_name("Acme");
  *created.mutable_lead_created()->mutable_values() = SplitValues(values);
  v1::LeadEvent renamed = created;
  renamed.set_event_id("event-2");
  renamed.set_version(2);
  values.set_name("Zeta");
  *renamed.mutable_lead_updated()->mutable_values() = SplitValues(values);
  renamed.mutable_lead_updated()->mutable_update_mask()->add_paths("name");
  std::string first_hash;
  std::string second_hash;
  const eventlog::Record first = Sealed(created, "", 0, &first_hash);
  const eventlog::Record second = Sealed(renamed, first_hash, 1, &second_hash);
  AppliedEvents applied;
  Projector projector(model_.get(), &applied);
  ASSERT_THAT(projector.Apply({first, second}), IsOk());

  v1::ListLeadsRequest old_name;
  old_name.set_name_prefix("acme");
  EXPECT_THAT(Ids(old_name), IsEmpty());
  v1::ListLeadsRequest new_name;
  new_name.set_name_prefix("zeta");
  EXPECT_THAT(Ids(new_name), ElementsAre(IdOf(1)));
}

}  // namespace
}  // namespace crm::leads
