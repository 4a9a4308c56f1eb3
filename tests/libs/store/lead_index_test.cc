#include "libs/store/lead_index.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>
#include <rocksdb/iterator.h>

#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace crm::store {
namespace {

using crm::testing::IsOk;
using google::protobuf::util::TimeUtil;
using leads::v1::Lead;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr char kId[] = "0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b";
constexpr char kOtherId[] = "0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7c";

Lead Sample(const std::string& id = kId) {
  Lead lead;
  lead.set_id(id);
  lead.set_version(1);
  *lead.mutable_created_at() = TimeUtil::SecondsToTimestamp(1'700'000'000);
  *lead.mutable_modified_at() = TimeUtil::SecondsToTimestamp(1'700'000'000);
  lead.set_name("Acme Iberia");
  lead.set_company("Acme Group");
  lead.set_tax_id("B12345678");
  lead.set_email1("ventas@acme.test");
  lead.mutable_phone1()->set_e164("+34911111111");
  lead.set_status("new");
  lead.set_status_category(leads::v1::STATUS_CATEGORY_OPEN);
  lead.set_source("web");
  lead.set_agent("ana");
  lead.set_source_campaign("spring");
  lead.set_interest_level("high");
  return lead;
}

bool IsCounter(const std::string& key) { return key[0] == '#'; }

bool IsEntry(const std::string& key) { return !IsCounter(key); }

class LeadIndex : public ::testing::Test {
 protected:
  void SetUp() override { model_ = Open(dir_); }

  static std::unique_ptr<ReadModel> Open(const crm::testing::TempDir& dir) {
    auto model = ReadModel::Open(dir.path());
    EXPECT_THAT(model, IsOk());
    return model.ok() ? *std::move(model) : nullptr;
  }

  // Stages the changes from `before` to each of `states` in turn, in one
  // batch, the way the projector folds several events of one lead.
  static void Apply(ReadModel* model, const Lead* before,
                    const std::vector<Lead>& states) {
    ReadModelBatch batch = model->NewBatch();
    for (const Lead& state : states) {
      StageIndexChanges(&batch, before, state);
      before = &state;
    }
    ASSERT_THAT(model->Commit(batch), IsOk());
  }

  void Apply(const Lead* before, const std::vector<Lead>& states) {
    Apply(model_.get(), before, states);
  }

  static std::vector<std::string> Keys(const ReadModel& model,
                                       bool (*keep)(const std::string&)) {
    std::vector<std::string> keys;
    std::unique_ptr<rocksdb::Iterator> it = model.NewIterator(Family::kIndexes);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      std::string key = it->key().ToString();
      if (keep(key)) keys.push_back(std::move(key));
    }
    return keys;
  }

  // The entries a read model holding only `lead` has.
  static std::vector<std::string> EntriesOfOnly(const Lead& lead) {
    crm::testing::TempDir dir;
    std::unique_ptr<ReadModel> fresh = Open(dir);
    Apply(fresh.get(), nullptr, {lead});
    return Keys(*fresh, IsEntry);
  }

  std::vector<std::string> Entries() const { return Keys(*model_, IsEntry); }

  int64_t Count(const std::string& key) const {
    return *ReadIndexCount(*model_, key, nullptr);
  }

  static std::vector<std::string> Fields(
      const absl::StatusOr<std::vector<IndexMatch>>& matches) {
    std::vector<std::string> fields;
    for (const IndexMatch& match : *matches) {
      fields.push_back(match.lead_id + " " + match.field);
    }
    return fields;
  }

  crm::testing::TempDir dir_;
  std::unique_ptr<ReadModel> model_;
};

TEST_F(LeadIndex, NewLeadHasOneEntryInEachOrderIndex) {
  const Lead lead = Sample();
  Apply(nullptr, {lead});

  const std::vector<std::string> entries = Entries();
  for (auto order :
       {leads::v1::LEAD_ORDER_CREATED, leads::v1::LEAD_ORDER_MODIFIED,
        leads::v1::LEAD_ORDER_NAME, leads::v1::LEAD_ORDER_STATUS}) {
    const std::string prefix = OrderIndexPrefix(order);
    EXPECT_EQ(std::count_if(entries.begin(), entries.end(),
                            [&prefix](const std::string& key) {
                              return key.compare(0, 1, prefix) == 0;
                            }),
              1)
        << prefix;
    EXPECT_THAT(entries, ::testing::Contains(OrderIndexKey(order, lead)));
  }
}

TEST_F(LeadIndex, RenamedLeadLeavesNoEntryUnderItsOldName) {
  const Lead before = Sample();
  Lead after = before;
  after.set_name("Zeta Ingenieria");
  Apply(nullptr, {before});
  Apply(&before, {after});

  const std::vector<std::string> entries = Entries();
  EXPECT_THAT(entries, ::testing::Not(::testing::Contains(
                           OrderIndexKey(leads::v1::LEAD_ORDER_NAME, before))));
  EXPECT_THAT(entries, ::testing::Contains(
                           OrderIndexKey(leads::v1::LEAD_ORDER_NAME, after)));
}

TEST_F(LeadIndex, ChangeOfEveryIndexedFieldLeavesExactlyTheNewEntries) {
  const Lead before = Sample();
  Lead after = before;
  after.set_version(2);
  *after.mutable_modified_at() = TimeUtil::SecondsToTimestamp(1'700'000'500);
  after.set_name("Zeta");
  after.set_company("");
  after.set_tax_id("X1234567L");
  after.set_email1("");
  after.set_email2("Info@Zeta.test");
  after.mutable_phone1()->clear_e164();
  after.mutable_fax()->set_e164("+34922222222");
  after.set_status("won");
  after.set_status_category(leads::v1::STATUS_CATEGORY_QUALIFIED);
  after.set_source("fair");
  after.set_agent("");
  after.set_source_campaign("autumn");
  after.set_interest_level("low");
  after.set_archived(true);
  Apply(nullptr, {before});
  Apply(&before, {after});

  EXPECT_EQ(Entries(), EntriesOfOnly(after));
}

TEST_F(LeadIndex, TwoChangesOfOneLeadInOneBatchLeaveTheLastState) {
  const Lead created = Sample();
  Lead renamed = created;
  renamed.set_name("Beta");
  renamed.set_email1("beta@acme.test");
  Lead archived = renamed;
  archived.set_name("Acme Iberia");
  archived.set_archived(true);
  Apply(nullptr, {created, renamed, archived});

  EXPECT_EQ(Entries(), EntriesOfOnly(archived));
  EXPECT_EQ(Count(AllLeadsCountKey(false)), 0);
  EXPECT_EQ(Count(AllLeadsCountKey(true)), 1);
}

TEST_F(LeadIndex, ChangeBackAndForthInOneBatchKeepsTheEntry) {
  const Lead first = Sample();
  Lead second = first;
  second.set_status("contacted");
  Apply(nullptr, {first});
  Apply(&first, {second, first});

  EXPECT_EQ(Entries(), EntriesOfOnly(first));
  EXPECT_EQ(Count(FilterCountKey(FilterField::kStatus, "new", false)), 1);
  EXPECT_EQ(Count(FilterCountKey(FilterField::kStatus, "contacted", false)), 0);
}

TEST_F(LeadIndex, CountersFollowEachFieldAndTheArchivedState) {
  Lead other = Sample(kOtherId);
  other.set_status("contacted");
  Apply(nullptr, {Sample()});
  Apply(nullptr, {other});

  EXPECT_EQ(Count(AllLeadsCountKey(false)), 2);
  EXPECT_EQ(Count(AllLeadsCountKey(true)), 0);
  EXPECT_EQ(Count(FilterCountKey(FilterField::kStatus, "new", false)), 1);
  EXPECT_EQ(Count(FilterCountKey(FilterField::kSource, "web", false)), 2);
  EXPECT_EQ(Count(FilterCountKey(FilterField::kStatusCategory, "1", false)), 2);
  EXPECT_EQ(Count(FilterCountKey(FilterField::kCampaign, "spring", false)), 2);
}

TEST_F(LeadIndex, EmptyFieldsHaveNoEntries) {
  Lead lead;
  lead.set_id(kId);
  lead.set_name("Solo");
  Apply(nullptr, {lead});

  // The four order indexes only.
  EXPECT_EQ(Entries().size(), 4u);
  EXPECT_THAT(Keys(*model_, IsCounter), ElementsAre(AllLeadsCountKey(false)));
}

TEST_F(LeadIndex, FindByEmailMatchesEitherAddressIgnoringCase) {
  Lead lead = Sample();
  lead.set_email1("Ventas@Acme.test");
  lead.set_email2("ventas@acme.TEST");
  Lead other = Sample(kOtherId);
  other.set_email1("otro@acme.test");
  other.set_email2("VENTAS@acme.test");
  Apply(nullptr, {lead});
  Apply(nullptr, {other});

  EXPECT_THAT(
      Fields(FindByEmail(*model_, "ventas@ACME.test")),
      ElementsAre(std::string(kId) + " email1", std::string(kId) + " email2",
                  std::string(kOtherId) + " email2"));
}

TEST_F(LeadIndex, FindByPhoneNamesEachMatchingPhoneField) {
  Lead lead = Sample();
  lead.mutable_phone1()->set_e164("+34911111111");
  lead.mutable_phone2()->set_e164("+34911111111");
  lead.mutable_mobile()->set_e164("+34611111111");
  lead.mutable_fax()->set_e164("+34911111111");
  Apply(nullptr, {lead});

  EXPECT_THAT(
      Fields(FindByPhone(*model_, "+34911111111")),
      ElementsAre(std::string(kId) + " fax", std::string(kId) + " phone1",
                  std::string(kId) + " phone2"));
  EXPECT_THAT(Fields(FindByPhone(*model_, "+34611111111")),
              ElementsAre(std::string(kId) + " mobile"));
}

TEST_F(LeadIndex, FindByTaxIdIgnoresCaseSpacesDotsAndDashes) {
  Lead lead = Sample();
  lead.set_tax_id("b-1234.5678");
  Apply(nullptr, {lead});

  EXPECT_THAT(Fields(FindByTaxId(*model_, "B 12345678")),
              ElementsAre(std::string(kId) + " tax_id"));
}

TEST_F(LeadIndex, ClearedEmailIsNoLongerFound) {
  const Lead before = Sample();
  Lead after = before;
  after.clear_email1();
  Apply(nullptr, {before});
  Apply(&before, {after});

  EXPECT_THAT(Fields(FindByEmail(*model_, "ventas@acme.test")), IsEmpty());
}

TEST(LeadIndexKeys, TextComponentsSortAsTheTextEvenWithNulBytes) {
  // In byte order; the component after each is the same.
  const std::vector<std::string> texts = {
      "", "a", std::string("a\0", 2), std::string("a\0b", 3), "ab", "b"};
  std::vector<std::string> keys;
  for (const std::string& text : texts) {
    std::string key;
    AppendKeyText(text, &key);
    AppendKeyText("id", &key);
    keys.push_back(key);
  }
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
}

TEST(LeadIndexKeys, TimesSortChronologicallyAcrossTheEpoch) {
  std::vector<std::string> keys;
  for (const auto& time :
       {TimeUtil::NanosecondsToTimestamp(-1'000'000'001),
        TimeUtil::NanosecondsToTimestamp(-1), TimeUtil::SecondsToTimestamp(0),
        TimeUtil::NanosecondsToTimestamp(1),
        TimeUtil::SecondsToTimestamp(1'700'000'000)}) {
    std::string key;
    AppendKeyTime(time, &key);
    keys.push_back(key);
  }
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_EQ(std::adjacent_find(keys.begin(), keys.end()), keys.end());
}

TEST(LeadIndexKeys, LeadIdDecodesFromEveryEntryKind) {
  Lead lead = Sample();
  lead.set_name(std::string("Nul\0Name", 8));
  for (auto order :
       {leads::v1::LEAD_ORDER_CREATED, leads::v1::LEAD_ORDER_MODIFIED,
        leads::v1::LEAD_ORDER_NAME, leads::v1::LEAD_ORDER_STATUS}) {
    EXPECT_EQ(LeadIdOfIndexKey(OrderIndexKey(order, lead)), kId);
  }
  std::string filter = FilterPrefix(FilterField::kAgent, "ana", false);
  AppendKeyText(kId, &filter);
  EXPECT_EQ(LeadIdOfIndexKey(filter), kId);
  EXPECT_EQ(LeadIdOfIndexKey(AllLeadsCountKey(false)), std::nullopt);
  EXPECT_EQ(LeadIdOfIndexKey("C"), std::nullopt);
}

TEST(LeadIndexKeys, PrefixEndIsJustAfterEveryKeyWithThePrefix) {
  EXPECT_EQ(PrefixEnd("ab"), "ac");
  EXPECT_EQ(PrefixEnd("a\xff"), "b");
  EXPECT_EQ(PrefixEnd("\xff\xff"), "");
}

TEST(LeadIndexKeys, IndexFormsOfEmailAndTaxId) {
  EXPECT_EQ(EmailIndexForm("Ana.Perez@Example.TEST"), "ana.perez@example.test");
  EXPECT_EQ(TaxIdIndexForm(" x-1234.567 l"), "X1234567L");
}

}  // namespace
}  // namespace crm::store
