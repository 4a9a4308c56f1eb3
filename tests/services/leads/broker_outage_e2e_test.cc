// The lead service through a broker outage, on a broker of this test's own
// (the shared test broker must stay up for the other tests).

#include <cstdlib>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/services/leads/lead_stack.h"
#include "tests/support/temp_dir.h"

namespace crm::leads {
namespace {

using crm::testing::LeadStack;
using crm::testing::NewLead;

// A broker started and stopped with tools/kafka.
class OwnBroker {
 public:
  OwnBroker() {
    const char* port = std::getenv("CRM_TEST_KAFKA_SPARE_PORT");
    port_ = port != nullptr ? port : "19192";
  }

  ~OwnBroker() { Run("stop"); }

  bool Run(const std::string& command) {
    const std::string line = "KAFKA_PORT=" + port_ +
                             " KAFKA_DATA_DIR=" + dir_.path() + " " +
                             CRM_KAFKA_SCRIPT + " " + command + " >>" +
                             dir_.path() + "/script.log 2>&1";
    return std::system(line.c_str()) == 0;
  }

  std::string address() const { return "127.0.0.1:" + port_; }

 private:
  crm::testing::TempDir dir_;
  std::string port_;
};

TEST(BrokerOutageE2E, CommandsFailFastQueriesAnswerAndWritesResume) {
  OwnBroker broker;
  ASSERT_TRUE(broker.Run("start"));
  LeadStack stack(3, broker.address());
  ASSERT_TRUE(stack.Start()) << stack.Log();
  v1::Lead lead;
  ASSERT_TRUE(stack.Create(NewLead("Before"), &lead).ok());
  const std::string before_id = lead.id();

  ASSERT_TRUE(broker.Run("stop"));

  // A command fails within its deadline, and says the log is unavailable.
  const absl::Time start = absl::Now();
  grpc::Status status =
      stack.Create(NewLead("During", "during-outage"), &lead, "", 3);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));

  // Queries still answer from the read model.
  ASSERT_TRUE(stack.Get(before_id, &lead).ok());
  v1::ListLeadsResponse page;
  ASSERT_TRUE(stack.List(v1::ListLeadsRequest(), &page).ok());
  EXPECT_EQ(page.total_size(), 1);

  // With the broker back, the retry succeeds without a restart.
  ASSERT_TRUE(broker.Run("start"));
  status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "");
  for (int attempt = 0; attempt < 30 && !status.ok(); ++attempt) {
    status = stack.Create(NewLead("During", "during-outage"), &lead, "", 5);
  }
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_TRUE(stack.Create(NewLead("After"), &lead).ok());

  // Nothing lost, nothing duplicated.
  ASSERT_TRUE(stack.List(v1::ListLeadsRequest(), &page).ok());
  std::multiset<std::string> names;
  for (const v1::Lead& listed : page.leads()) names.insert(listed.name());
  EXPECT_EQ(names, (std::multiset<std::string>{"After", "Before", "During"}));
  EXPECT_EQ(page.total_size(), 3);
}

}  // namespace
}  // namespace crm::leads
