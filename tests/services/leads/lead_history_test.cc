#include "services/leads/lead_history.h"

#include <map>
#include <random>

#include <gmock/gmock.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include "libs/domain/fold.h"
#include "libs/domain/lead_fields.h"
#include "services/leads/projector.h"
#include "tests/support/status_matchers.h"
#include "tests/support/temp_dir.h"

namespace crm::leads {
namespace {

using crm::testing::IsOk;
using crm::testing::StatusIs;
using eventlog::Record;
using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;

constexpr char kLead[] = "0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7b";
constexpr char kOther[] = "0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7c";

// Writes chained events for several leads on partition 0, as the service
// would, recording times 100 s apart starting at 1000 s.
class Writer {
 public:
  v1::LeadEvent Envelope(const std::string& lead_id) {
    Chain& chain = chains_[lead_id];
    v1::LeadEvent event;
    event.set_event_id("event-" + std::to_string(next_offset_));
    event.set_lead_id(lead_id);
    event.set_version(chain.version + 1);
    event.set_actor("ana");
    *event.mutable_recorded_at() =
        TimeUtil::SecondsToTimestamp(1000 + 100 * next_offset_);
    *event.mutable_effective_at() = event.recorded_at();
    return event;
  }

  Record Create(const std::string& lead_id, const std::string& name) {
    v1::Lead lead;
    lead.set_name(name);
    v1::LeadEvent event = Envelope(lead_id);
    *event.mutable_lead_created()->mutable_values() = SplitValues(lead);
    return Seal(event);
  }

  // An update of the fields of `mask` to their values in `values`.
  Record Update(const std::string& lead_id, const v1::Lead& values,
                const std::vector<std::string>& mask) {
    v1::LeadEvent event = Envelope(lead_id);
    *event.mutable_lead_updated()->mutable_values() = SplitValues(values);
    for (const std::string& path : mask) {
      event.mutable_lead_updated()->mutable_update_mask()->add_paths(path);
    }
    return Seal(event);
  }

  Record Seal(v1::LeadEvent event) {
    Chain& chain = chains_[event.lead_id()];
    event.set_previous_hash(chain.hash);
    Record record;
    record.key = event.lead_id();
    record.value = event.SerializeAsString();
    const std::string hash = eventlog::ChainHash(chain.hash, record.value);
    record.headers = {
        {std::string(eventlog::kHashHeader), eventlog::ToHex(hash)}};
    record.partition = 0;
    record.offset = next_offset_++;
    chain.hash = hash;
    chain.version = event.version();
    return record;
  }

 private:
  struct Chain {
    int64_t version = 0;
    std::string hash;
  };

  std::map<std::string, Chain> chains_;
  int64_t next_offset_ = 0;
};

v1::Lead Named(const std::string& name) {
  v1::Lead lead;
  lead.set_name(name);
  return lead;
}

class LeadHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(100); }

  void Open(int64_t snapshot_every) {
    projector_.reset();
    model_.reset();
    auto model = store::ReadModel::Open(dir_.path());
    ASSERT_THAT(model, IsOk());
    model_ = *std::move(model);
    projector_ =
        std::make_unique<Projector>(model_.get(), &applied_, snapshot_every);
  }

  void Apply(std::vector<Record> records) {
    for (const Record& record : records) topic_[record.offset] = record;
    ASSERT_THAT(projector_->Apply(records), IsOk());
  }

  // Reads records from `topic_`, which tests may alter.
  RecordReader Reader() {
    return [this](int32_t partition,
                  int64_t offset) -> absl::StatusOr<std::optional<Record>> {
      auto it = topic_.find(offset);
      if (partition != 0 || it == topic_.end()) return std::nullopt;
      return it->second;
    };
  }

  v1::GetLeadAsOfRequest AsOfTime(int64_t seconds, bool effective) {
    v1::GetLeadAsOfRequest request;
    request.set_id(kLead);
    const auto time = TimeUtil::SecondsToTimestamp(seconds);
    if (effective) {
      *request.mutable_effective_at() = time;
    } else {
      *request.mutable_recorded_at() = time;
    }
    return request;
  }

  // A rename, a new postal code, a number of employees, archiving or
  // restoring, at random.
  Record RandomUpdate(const std::string& id, std::mt19937& random) {
    v1::Lead values;
    v1::LeadEvent event = writer_.Envelope(id);
    switch (random() % 5) {
      case 0:
        values.set_name("Name " + std::to_string(random() % 1000));
        return writer_.Update(id, values, {"name"});
      case 1:
        values.mutable_address()->set_postal_code(
            std::to_string(28000 + random() % 100));
        return writer_.Update(id, values, {"address.postal_code"});
      case 2:
        values.set_employees(random() % 500);
        return writer_.Update(id, values, {"employees"});
      case 3:
        event.mutable_lead_archived();
        return writer_.Seal(event);
      default:
        event.mutable_lead_restored();
        return writer_.Seal(event);
    }
  }

  crm::testing::TempDir dir_;
  std::unique_ptr<store::ReadModel> model_;
  AppliedEvents applied_;
  std::unique_ptr<Projector> projector_;
  Writer writer_;
  std::map<int64_t, Record> topic_;
};

TEST_F(LeadHistoryTest, UpdateShowsOldAndNewValue) {
  Apply({writer_.Create(kLead, "Acme"),
         writer_.Update(kLead, Named("Acme Iberia"), {"name"})});

  auto history = LeadHistory(*model_, kLead, 1, 100);
  ASSERT_THAT(history, IsOk());
  ASSERT_EQ(history->entries_size(), 2);
  const v1::HistoryEntry& update = history->entries(1);
  EXPECT_EQ(update.version(), 2);
  EXPECT_EQ(update.event_type(), "crm.leads.v1.LeadUpdated");
  EXPECT_EQ(update.actor(), "ana");
  EXPECT_EQ(update.recorded_at().seconds(), 1100);
  EXPECT_EQ(update.effective_at().seconds(), 1100);
  EXPECT_THAT(update.summary(),
              ::testing::Contains("name: 'Acme' -> 'Acme Iberia'"));
  bool found = false;
  for (const v1::FieldChange& change : update.changes()) {
    if (change.path() != "name") continue;
    found = true;
    EXPECT_EQ(change.old_value(), "Acme");
    EXPECT_EQ(change.new_value(), "Acme Iberia");
  }
  EXPECT_TRUE(found);
  EXPECT_EQ(history->next_page_token(), "");
}

TEST_F(LeadHistoryTest, CreationListsItsValuesFromNone) {
  Apply({writer_.Create(kLead, "Acme")});

  auto history = LeadHistory(*model_, kLead, 1, 100);
  ASSERT_THAT(history, IsOk());
  ASSERT_EQ(history->entries_size(), 1);
  EXPECT_EQ(history->entries(0).event_type(), "crm.leads.v1.LeadCreated");
  EXPECT_THAT(history->entries(0).summary(),
              ::testing::Contains("name: (none) -> 'Acme'"));
}

TEST_F(LeadHistoryTest, NestedFieldHasItsPath) {
  v1::Lead values;
  values.mutable_address()->set_postal_code("28036");
  Apply({writer_.Create(kLead, "Acme"),
         writer_.Update(kLead, values, {"address.postal_code"})});

  auto history = LeadHistory(*model_, kLead, 2, 1);
  ASSERT_THAT(history, IsOk());
  ASSERT_EQ(history->entries_size(), 1);
  EXPECT_THAT(history->entries(0).summary(),
              ::testing::Contains("address.postal_code: (none) -> '28036'"));
}

TEST_F(LeadHistoryTest, FalseAndZeroReadAsValues) {
  v1::Lead values;
  values.set_employees(12);
  Apply({writer_.Create(kLead, "Acme"),
         writer_.Update(kLead, values, {"employees"})});
  v1::LeadEvent archived = writer_.Envelope(kLead);
  archived.mutable_lead_archived();
  Apply({writer_.Seal(archived)});

  auto history = LeadHistory(*model_, kLead, 2, 2);
  ASSERT_THAT(history, IsOk());
  ASSERT_EQ(history->entries_size(), 2);
  EXPECT_THAT(history->entries(0).summary(),
              ::testing::ElementsAre("employees: '0' -> '12'"));
  EXPECT_THAT(history->entries(1).summary(),
              ::testing::ElementsAre("archived: 'false' -> 'true'"));
  EXPECT_EQ(history->entries(1).event_type(), "crm.leads.v1.LeadArchived");
}

TEST_F(LeadHistoryTest, PagesFollowVersions) {
  Apply({writer_.Create(kLead, "A"),
         writer_.Update(kLead, Named("B"), {"name"}),
         writer_.Update(kLead, Named("C"), {"name"})});

  auto first = LeadHistory(*model_, kLead, 1, 2);
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(first->entries_size(), 2);
  EXPECT_EQ(first->next_page_token(), "3");
  auto second = LeadHistory(*model_, kLead, 3, 2);
  ASSERT_THAT(second, IsOk());
  ASSERT_EQ(second->entries_size(), 1);
  EXPECT_THAT(second->entries(0).summary(),
              ::testing::Contains("name: 'B' -> 'C'"));
  EXPECT_EQ(second->next_page_token(), "");
}

TEST_F(LeadHistoryTest, UnknownLeadIsNotFound) {
  EXPECT_THAT(LeadHistory(*model_, kLead, 1, 10).status(),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(LeadHistoryTest, AsOfVersionOutsideTheLeadsLife) {
  Apply({writer_.Create(kLead, "Acme")});

  EXPECT_THAT(FoldToVersion(*model_, kLead, 0, true).status(),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(FoldToVersion(*model_, kLead, 2, true).status(),
              StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(FoldToVersion(*model_, kOther, 1, true).status(),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(LeadHistoryTest, AsOfRecordedTime) {
  // Recorded at 1000 s (create) and 1100 s (rename).
  Apply({writer_.Create(kLead, "Acme"),
         writer_.Update(kLead, Named("Acme Iberia"), {"name"})});

  EXPECT_THAT(LeadAsOf(*model_, AsOfTime(999, false)).status(),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(LeadAsOf(*model_, AsOfTime(1000, false))->name(), "Acme");
  EXPECT_EQ(LeadAsOf(*model_, AsOfTime(1099, false))->name(), "Acme");
  EXPECT_EQ(LeadAsOf(*model_, AsOfTime(1100, false))->name(), "Acme Iberia");
}

TEST_F(LeadHistoryTest, AsOfEffectiveTimeHonoursBackDatedCorrection) {
  // The rename is recorded at 1100 s but effective at 1050 s; a later
  // rename, recorded at 1200 s, is back-dated to 1010 s.
  Apply({writer_.Create(kLead, "Acme")});
  v1::LeadEvent rename = writer_.Envelope(kLead);
  *rename.mutable_lead_updated()->mutable_values() = SplitValues(Named("B"));
  rename.mutable_lead_updated()->mutable_update_mask()->add_paths("name");
  *rename.mutable_effective_at() = TimeUtil::SecondsToTimestamp(1050);
  Apply({writer_.Seal(rename)});
  v1::LeadEvent correction = writer_.Envelope(kLead);
  *correction.mutable_lead_updated()->mutable_values() =
      SplitValues(Named("C"));
  correction.mutable_lead_updated()->mutable_update_mask()->add_paths("name");
  *correction.mutable_effective_at() = TimeUtil::SecondsToTimestamp(1010);
  Apply({writer_.Seal(correction)});

  EXPECT_EQ(LeadAsOf(*model_, AsOfTime(1005, true))->name(), "Acme");
  EXPECT_EQ(LeadAsOf(*model_, AsOfTime(1020, true))->name(), "C");
  // Both apply by 1050 s, in version order: C follows B.
  EXPECT_EQ(LeadAsOf(*model_, AsOfTime(1060, true))->name(), "C");
  EXPECT_EQ(LeadAsOf(*model_, AsOfTime(1150, false))->name(), "B");
}

TEST_F(LeadHistoryTest, SnapshotIsStoredEveryNthEvent) {
  Open(2);
  Apply({writer_.Create(kLead, "A"),
         writer_.Update(kLead, Named("B"), {"name"}),
         writer_.Update(kLead, Named("C"), {"name"})});

  auto at_one = FindSnapshot(*model_, kLead, 1);
  ASSERT_THAT(at_one, IsOk());
  EXPECT_FALSE(at_one->has_value());
  auto at_three = FindSnapshot(*model_, kLead, 3);
  ASSERT_THAT(at_three, IsOk());
  ASSERT_TRUE(at_three->has_value());
  EXPECT_EQ((*at_three)->version(), 2);
  EXPECT_EQ((*at_three)->name(), "B");
  EXPECT_FALSE(FindSnapshot(*model_, kOther, 3)->has_value());
}

TEST_F(LeadHistoryTest, CleanChainVerifies) {
  Apply({writer_.Create(kLead, "A"), writer_.Create(kOther, "X"),
         writer_.Update(kLead, Named("B"), {"name"})});

  auto verified = VerifyLead(*model_, kLead, Reader());
  ASSERT_THAT(verified, IsOk());
  EXPECT_TRUE(verified->ok());
  EXPECT_EQ(verified->verified_events(), 2);
  EXPECT_EQ(verified->problems_size(), 0);
  EXPECT_EQ(verified->rejected_size(), 0);
}

TEST_F(LeadHistoryTest, AlteredBytesAreReportedOnce) {
  Apply({writer_.Create(kLead, "A"),
         writer_.Update(kLead, Named("B"), {"name"}),
         writer_.Update(kLead, Named("C"), {"name"})});
  // The topic's copy of version 2 no longer has the bytes that were hashed.
  v1::LeadEvent event;
  ASSERT_TRUE(event.ParseFromString(topic_[1].value));
  event.set_actor("mallory");
  topic_[1].value = event.SerializeAsString();

  auto verified = VerifyLead(*model_, kLead, Reader());
  ASSERT_THAT(verified, IsOk());
  EXPECT_FALSE(verified->ok());
  EXPECT_EQ(verified->verified_events(), 2);
  ASSERT_EQ(verified->problems_size(), 1);
  EXPECT_EQ(verified->problems(0).version(), 2);
  EXPECT_EQ(verified->problems(0).kind(), v1::ChainProblem::ALTERED);
}

TEST_F(LeadHistoryTest, VanishedRecordIsMissingAndReportedOnce) {
  Apply({writer_.Create(kLead, "A"),
         writer_.Update(kLead, Named("B"), {"name"}),
         writer_.Update(kLead, Named("C"), {"name"})});
  topic_.erase(1);

  auto verified = VerifyLead(*model_, kLead, Reader());
  ASSERT_THAT(verified, IsOk());
  EXPECT_EQ(verified->verified_events(), 2);
  ASSERT_EQ(verified->problems_size(), 1);
  EXPECT_EQ(verified->problems(0).version(), 2);
  EXPECT_EQ(verified->problems(0).kind(), v1::ChainProblem::MISSING);
  EXPECT_EQ(verified->problems(0).detail(),
            "partition 0 offset 1 holds no record");
}

TEST_F(LeadHistoryTest, OffsetHoldingAnotherEventIsMissing) {
  Apply({writer_.Create(kLead, "A"), writer_.Create(kOther, "X")});
  // The read model points version 1 at the other lead's record.
  topic_[0] = topic_[1];

  auto verified = VerifyLead(*model_, kLead, Reader());
  ASSERT_THAT(verified, IsOk());
  ASSERT_EQ(verified->problems_size(), 1);
  EXPECT_EQ(verified->problems(0).kind(), v1::ChainProblem::MISSING);
  EXPECT_EQ(verified->problems(0).detail(),
            "partition 0 offset 0 holds another event");
}

TEST_F(LeadHistoryTest, RejectedEventsAreListedApart) {
  Apply({writer_.Create(kLead, "A")});
  v1::LeadEvent gap = writer_.Envelope(kLead);
  gap.set_version(5);
  *gap.mutable_lead_updated()->mutable_values() = SplitValues(Named("Z"));
  gap.mutable_lead_updated()->mutable_update_mask()->add_paths("name");
  Apply({writer_.Seal(gap)});

  auto verified = VerifyLead(*model_, kLead, Reader());
  ASSERT_THAT(verified, IsOk());
  EXPECT_TRUE(verified->ok());
  ASSERT_EQ(verified->rejected_size(), 1);
  EXPECT_EQ(verified->rejected(0).offset(), 1);
  EXPECT_EQ(verified->rejected(0).partition(), 0);
  EXPECT_EQ(verified->rejected(0).reason(), "version 5 does not follow 1");
}

// Random commands on a few leads, applied in random batches with a small
// snapshot interval: for every version k, as-of k (through snapshots) and
// the fold from version 1 both equal the state after the first k events.
TEST_F(LeadHistoryTest, AsOfEveryVersionEqualsTheFoldOfItsPrefix) {
  Open(3);
  std::mt19937 random(20240301);
  const std::vector<std::string> leads = {
      kLead, kOther, "0190a5b2-7c3d-7e4f-8a1b-2c3d4e5f6a7d"};
  std::map<std::string, std::vector<v1::Lead>> expected;
  std::vector<Record> pending;
  for (int step = 0; step < 120; ++step) {
    const std::string& id = leads[random() % leads.size()];
    std::vector<v1::Lead>& states = expected[id];
    Record record = states.empty() ? writer_.Create(id, "Lead " + id)
                                   : RandomUpdate(id, random);
    v1::LeadEvent event;
    ASSERT_TRUE(event.ParseFromString(record.value));
    v1::Lead next = states.empty() ? v1::Lead() : states.back();
    ASSERT_THAT(ApplyEvent(event, &next), IsOk());
    states.push_back(next);
    pending.push_back(std::move(record));
    if (random() % 4 == 0) Apply(std::exchange(pending, {}));
  }
  Apply(pending);
  ASSERT_TRUE(FindSnapshot(*model_, kLead, 1000)->has_value());

  for (const auto& [id, states] : expected) {
    for (size_t k = 1; k <= states.size(); ++k) {
      v1::GetLeadAsOfRequest request;
      request.set_id(id);
      request.set_version(static_cast<int64_t>(k));
      auto as_of = LeadAsOf(*model_, request);
      auto full = FoldToVersion(*model_, id, static_cast<int64_t>(k), false);
      ASSERT_THAT(as_of, IsOk());
      ASSERT_THAT(full, IsOk());
      EXPECT_TRUE(MessageDifferencer::Equals(*as_of, states[k - 1]))
          << id << " at " << k;
      EXPECT_TRUE(MessageDifferencer::Equals(*full, states[k - 1]))
          << id << " at " << k;
    }
  }
}

}  // namespace
}  // namespace crm::leads
