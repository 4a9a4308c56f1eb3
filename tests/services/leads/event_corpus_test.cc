// The schema corpus: events as this version of the service writes them,
// committed under tests/data/events, must always fold to the leads stored
// beside them. The writer below made the files once; it is disabled so that
// no ordinary run rewrites the corpus it is meant to guard.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include "libs/domain/fold.h"
#include "libs/domain/lead_fields.h"
#include "libs/eventlog/record.h"

namespace crm::leads {
namespace {

namespace fs = std::filesystem;
using google::protobuf::util::TimeUtil;

const fs::path kCorpus = fs::path(CRM_SOURCE_DIR) / "tests/data/events";
constexpr char kLeadA[] = "0190a5b2-7c3d-7e4f-8a1b-000000000001";
constexpr char kLeadB[] = "0190a5b2-7c3d-7e4f-8a1b-000000000002";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// The event files of each lead ("<lead>.<version>.<type>.bin"), in name
// order, which is version order.
std::map<std::string, std::vector<fs::path>> EventFiles() {
  std::map<std::string, std::vector<fs::path>> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(kCorpus)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".bin") continue;
    files[name.substr(0, name.find('.'))].push_back(entry.path());
  }
  for (auto& [lead, paths] : files) std::sort(paths.begin(), paths.end());
  return files;
}

TEST(EventCorpus, CommittedEventsFoldToTheExpectedLeads) {
  const auto files = EventFiles();
  ASSERT_EQ(files.size(), 2u);
  for (const auto& [lead_name, paths] : files) {
    v1::Lead folded;
    for (const fs::path& path : paths) {
      v1::LeadEvent event;
      ASSERT_TRUE(event.ParseFromString(ReadFile(path))) << path;
      ASSERT_TRUE(ApplyEvent(event, &folded).ok()) << path;
    }
    v1::Lead expected;
    const std::string json = ReadFile(kCorpus / (lead_name + ".json"));
    ASSERT_TRUE(
        google::protobuf::util::JsonStringToMessage(json, &expected).ok())
        << lead_name;
    std::string differences;
    google::protobuf::util::MessageDifferencer differencer;
    differencer.ReportDifferencesToString(&differences);
    EXPECT_TRUE(differencer.Compare(expected, folded))
        << lead_name << ": " << differences;
  }
}

// Builds the corpus's events, chained as the service chains them.
class CorpusWriter {
 public:
  v1::LeadEvent Next(const std::string& lead_id, int64_t seconds) {
    v1::LeadEvent event;
    event.set_lead_id(lead_id);
    event.set_version(++versions_[lead_id]);
    char event_id[40];
    std::snprintf(event_id, sizeof(event_id), "0190a5b2-7c3d-7e4f-9000-%012d",
                  ++events_);
    event.set_event_id(event_id);
    *event.mutable_recorded_at() = TimeUtil::SecondsToTimestamp(seconds);
    *event.mutable_effective_at() = event.recorded_at();
    event.set_actor("corpus");
    event.set_previous_hash(hashes_[lead_id]);
    return event;
  }

  // Writes `event` to the corpus and folds it into the lead's state.
  void Write(const std::string& name, const v1::LeadEvent& event) {
    const std::string bytes = event.SerializeAsString();
    hashes_[event.lead_id()] =
        eventlog::ChainHash(hashes_[event.lead_id()], bytes);
    const std::string type =
        event.GetReflection()
            ->GetOneofFieldDescriptor(
                event, v1::LeadEvent::descriptor()->FindOneofByName("payload"))
            ->message_type()
            ->name();
    char version[8];
    std::snprintf(version, sizeof(version), "%04lld",
                  static_cast<long long>(event.version()));
    std::ofstream(kCorpus / (name + "." + version + "." + type + ".bin"),
                  std::ios::binary)
        << bytes;
    ASSERT_TRUE(ApplyEvent(event, &states_[name]).ok());
  }

  void WriteExpected() {
    google::protobuf::util::JsonPrintOptions options;
    options.add_whitespace = true;
    options.preserve_proto_field_names = true;
    for (const auto& [name, lead] : states_) {
      std::string json;
      ASSERT_TRUE(
          google::protobuf::util::MessageToJsonString(lead, &json, options)
              .ok());
      std::ofstream(kCorpus / (name + ".json")) << json;
    }
  }

 private:
  int events_ = 0;
  std::map<std::string, int64_t> versions_;
  std::map<std::string, std::string> hashes_;
  std::map<std::string, v1::Lead> states_;
};

v1::Lead FullLead() {
  v1::Lead lead;
  lead.set_name("Acme");
  lead.set_legal_name("Acme Iberia SL");
  lead.set_tax_id("B12345674");
  lead.mutable_address()->set_street("Calle Mayor 1");
  lead.mutable_address()->set_locality("Madrid");
  lead.mutable_address()->set_postal_code("28013");
  lead.mutable_address()->set_province("28");
  lead.mutable_address()->mutable_region()->set_code("MD");
  lead.mutable_address()->set_country("ES");
  lead.mutable_phone1()->set_text("910 000 000");
  lead.mutable_phone1()->set_e164("+34910000000");
  lead.set_email1("info@acme.example");
  lead.mutable_annual_revenue()->set_minor_units(123456);
  lead.mutable_annual_revenue()->set_currency("EUR");
  lead.set_employees(12);
  lead.set_source("web");
  lead.set_status("new");
  lead.set_preferred_contact(v1::PREFERRED_CONTACT_EMAIL);
  lead.set_allow_email(true);
  return lead;
}

TEST(EventCorpus, DISABLED_WriteCorpus) {
  fs::create_directories(kCorpus);
  CorpusWriter writer;
  v1::LeadEvent created = writer.Next(kLeadA, 1709280000);
  *created.mutable_lead_created()->mutable_values() = SplitValues(FullLead());
  writer.Write("lead-a", created);

  v1::LeadEvent updated = writer.Next(kLeadA, 1709283600);
  v1::Lead values;
  values.set_name("Acme Iberia");
  values.mutable_address()->set_postal_code("28014");
  *updated.mutable_lead_updated()->mutable_values() = SplitValues(values);
  for (const char* path : {"name", "address.postal_code", "employees"}) {
    updated.mutable_lead_updated()->mutable_update_mask()->add_paths(path);
  }
  *updated.mutable_effective_at() = TimeUtil::SecondsToTimestamp(1709200000);
  writer.Write("lead-a", updated);

  v1::LeadEvent qualified = writer.Next(kLeadA, 1709370000);
  qualified.mutable_lead_qualified()->set_status("qualified");
  qualified.mutable_lead_qualified()->mutable_qualification()->set_account_id(
      "0190a5b2-7c3d-7e4f-8a1b-0000000000a1");
  writer.Write("lead-a", qualified);

  v1::Lead b;
  b.set_name("Beta");
  b.set_status("new");
  b.mutable_created_at()->set_seconds(1700000000);
  v1::LeadEvent b_created = writer.Next(kLeadB, 1709280500);
  *b_created.mutable_lead_created()->mutable_values() = SplitValues(b);
  *b_created.mutable_effective_at() = b.created_at();
  writer.Write("lead-b", b_created);
  const auto then = [&](const std::function<void(v1::LeadEvent*)>& set,
                        int64_t seconds) {
    v1::LeadEvent event = writer.Next(kLeadB, seconds);
    set(&event);
    writer.Write("lead-b", event);
  };
  then(
      [](v1::LeadEvent* e) {
        e->mutable_lead_disqualified()->set_status("lost");
        e->mutable_lead_disqualified()->set_reason("no-budget");
      },
      1709290000);
  then(
      [](v1::LeadEvent* e) {
        e->mutable_lead_reactivated()->set_status("new");
      },
      1709300000);
  then([](v1::LeadEvent* e) { e->mutable_lead_archived(); }, 1709310000);
  then([](v1::LeadEvent* e) { e->mutable_lead_restored(); }, 1709320000);
  writer.WriteExpected();
}

}  // namespace
}  // namespace crm::leads
