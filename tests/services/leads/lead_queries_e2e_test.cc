// ListLeads and GetLeadStats over a few thousand generated leads on the real
// stack, each compared with a brute-force computation over the leads as the
// service returned them.

#include <algorithm>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include <google/protobuf/util/time_util.h>
#include <gtest/gtest.h>

#include "tests/services/leads/lead_stack.h"

namespace crm::leads {
namespace {

using crm::testing::LeadStack;
using google::protobuf::util::TimeUtil;

constexpr int kLeads = 2000;
const char* const kSources[] = {"web", "referral", "fair", "import"};
const char* const kAgents[] = {"ana.garcia", "luis.martin", "marta.lopez"};
const char* const kStatuses[] = {"new", "contacted", "working"};
const char* const kNames[] = {
    "PEÑA", "Peñalver", "Acme", "Ávila Tech", "Zeta",
};

class LeadQueriesE2E : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    stack_ = new LeadStack(6);
    ASSERT_TRUE(stack_->Start()) << stack_->Log();
    leads_ = new std::map<std::string, v1::Lead>;
    Generate();
  }

  static void TearDownTestSuite() {
    delete stack_;
    delete leads_;
  }

  // Creates kLeads leads over the last year, qualifying one in five.
  static void Generate() {
    std::mutex mutex;
    auto worker = [&](int seed) {
      std::mt19937 random(seed);
      for (int i = seed; i < kLeads; i += 8) {
        v1::Lead lead = Make(random, i);
        if (lead.id().empty()) continue;
        std::lock_guard<std::mutex> lock(mutex);
        (*leads_)[lead.id()] = lead;
      }
    };
    std::vector<std::thread> workers;
    for (int seed = 0; seed < 8; ++seed) workers.emplace_back(worker, seed);
    for (std::thread& thread : workers) thread.join();
  }

  static v1::Lead Make(std::mt19937& random, int i) {
    v1::CreateLeadRequest request;
    v1::Lead* lead = request.mutable_lead();
    lead->set_name(std::string(kNames[random() % 5]) + " " + std::to_string(i));
    lead->set_source(kSources[random() % 4]);
    lead->set_agent(kAgents[random() % 3]);
    lead->set_status(kStatuses[random() % 3]);
    const int64_t days_ago = 1 + random() % 365;
    *lead->mutable_created_at() =
        TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(absl::Now()) -
                                     days_ago * 86400 - (random() % 86400));
    request.set_allow_duplicate(true);
    v1::Lead created;
    if (!stack_->Create(request, &created).ok()) return v1::Lead();
    if (random() % 5 != 0) return created;

    v1::QualifyLeadRequest qualify;
    qualify.set_id(created.id());
    qualify.set_create_account(true);
    v1::QualifyLeadResponse response;
    grpc::ClientContext context;
    if (!stack_->stub().QualifyLead(&context, qualify, &response).ok()) {
      return created;
    }
    return response.lead();
  }

  // Every lead ListLeads returns for `request`, following all pages.
  static std::vector<v1::Lead> ListAll(v1::ListLeadsRequest request,
                                       int64_t* total) {
    std::vector<v1::Lead> all;
    request.set_page_size(97);
    do {
      v1::ListLeadsResponse page;
      grpc::Status status = stack_->List(request, &page);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const v1::Lead& lead : page.leads()) all.push_back(lead);
      *total = page.total_size();
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return all;
  }

  static LeadStack* stack_;
  static std::map<std::string, v1::Lead>* leads_;
};

LeadStack* LeadQueriesE2E::stack_ = nullptr;
std::map<std::string, v1::Lead>* LeadQueriesE2E::leads_ = nullptr;

TEST_F(LeadQueriesE2E, AllLeadsWereCreated) {
  EXPECT_EQ(leads_->size(), static_cast<size_t>(kLeads));
}

TEST_F(LeadQueriesE2E, FilteredListEqualsBruteForce) {
  v1::ListLeadsRequest request;
  request.set_source("web");
  request.set_agent("ana.garcia");
  request.set_order_by(v1::LEAD_ORDER_CREATED);
  int64_t total = 0;
  const std::vector<v1::Lead> listed = ListAll(request, &total);

  std::vector<v1::Lead> expected;
  for (const auto& [id, lead] : *leads_) {
    if (lead.source() == "web" && lead.agent() == "ana.garcia") {
      expected.push_back(lead);
    }
  }
  std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) {
    return std::make_pair(TimeUtil::TimestampToNanoseconds(a.created_at()),
                          a.id()) <
           std::make_pair(TimeUtil::TimestampToNanoseconds(b.created_at()),
                          b.id());
  });
  ASSERT_EQ(listed.size(), expected.size());
  EXPECT_EQ(total, static_cast<int64_t>(expected.size()));
  for (size_t i = 0; i < listed.size(); ++i) {
    EXPECT_EQ(listed[i].id(), expected[i].id()) << i;
  }
}

TEST_F(LeadQueriesE2E, NamePrefixIgnoresCaseAndAccents) {
  v1::ListLeadsRequest request;
  request.set_name_prefix("pena");
  int64_t total = 0;
  const std::vector<v1::Lead> listed = ListAll(request, &total);

  size_t expected = 0;
  for (const auto& [id, lead] : *leads_) {
    expected += lead.name().rfind("PEÑA", 0) == 0 ||
                lead.name().rfind("Peñalver", 0) == 0;
  }
  EXPECT_EQ(listed.size(), expected);
  EXPECT_GT(expected, 0u);
}

TEST_F(LeadQueriesE2E, StatsCountsEqualBruteForce) {
  v1::GetLeadStatsRequest request;
  request.set_group_by(v1::STATS_GROUP_SOURCE);
  v1::GetLeadStatsResponse stats;
  grpc::ClientContext context;
  ASSERT_TRUE(stack_->stub().GetLeadStats(&context, request, &stats).ok());

  std::map<std::string, int64_t> by_source;
  int64_t qualified = 0;
  std::vector<double> to_qualify;
  for (const auto& [id, lead] : *leads_) {
    ++by_source[lead.source()];
    if (lead.status_category() != v1::STATUS_CATEGORY_QUALIFIED) continue;
    ++qualified;
    to_qualify.push_back(static_cast<double>(
        TimeUtil::TimestampToSeconds(lead.qualification().qualified_at()) -
        TimeUtil::TimestampToSeconds(lead.created_at())));
  }
  EXPECT_EQ(stats.created(), kLeads);
  EXPECT_EQ(stats.qualified(), qualified);
  for (const auto& [source, count] : by_source) {
    EXPECT_EQ(stats.counts().at(source), count) << source;
  }

  ASSERT_FALSE(to_qualify.empty());
  std::sort(to_qualify.begin(), to_qualify.end());
  const double median = to_qualify[to_qualify.size() / 2];
  EXPECT_NEAR(stats.median_seconds_to_qualify(), median,
              median * stats.histogram_resolution());
}

}  // namespace
}  // namespace crm::leads
