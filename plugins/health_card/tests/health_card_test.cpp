// The health-card plugin: the GP rules of the two insurance groups, a card
// after a move, and in a real engine from receipt to the card and through a
// refusal, a complaint and its reconsideration.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sagsflow/testing/mock_host.hpp>
#include <sagsflow/testing/plugin_calls.hpp>
#include <sagsflow/testing/plugin_harness.hpp>

// MockHost, PluginHarness, and the helpers: a_case, errors_of, proposal_of, plugin_events ...
using namespace sagsflow::testing;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::NiceMock;
using ::testing::SizeIs;
using ::testing::StartsWith;
using json = nlohmann::json;

namespace {

TEST(HealthCardCode, GroupOneChoosesAGpGroupTwoDoesNotAndAMoveIsNamed) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  EXPECT_THAT(errors_of(d, a_case({{"insurance_group", "group_1"}, {"reason", "lost_card"}})),
              ElementsAre("gp_choice: sikringsgruppe 1 chooses a GP practice"));
  EXPECT_THAT(
      errors_of(d, a_case({{"insurance_group", "group_2"}, {"gp_choice", "Lægehuset"}, {"reason", "lost_card"}})),
      ElementsAre(StartsWith("gp_choice: sikringsgruppe 2 has free choice of doctor")));
  EXPECT_THAT(errors_of(d, a_case({{"insurance_group", "group_1"}, {"gp_choice", "Lægehuset"}, {"reason", "move"}})),
              ElementsAre(StartsWith("move_case: ")));
  EXPECT_THAT(errors_of(d, a_case({{"insurance_group", "group_1"},
                                   {"gp_choice", "Lægehuset"},
                                   {"reason", "move"},
                                   {"move_case", "23.05.10-G01-3-26"}})),
              IsEmpty());
}

const json kComplete = {{"full_name", "Jens Hansen"}, {"address", "Nørregade 1"}, {"insurance_group", "group_1"},
                        {"gp_choice", "Lægehuset Nørregade"}, {"reason", "change_of_gp"}};

TEST(HealthCardInEngine, ACompleteRequestOrdersTheCardAtOnce) {
  auto created = PluginHarness::create(PLUGIN_PATH);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  PluginHarness& h = **created;
  auto c = h.open_case(kComplete, "070761-4285");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_TRUE(h.act(c->id, "register").ok());
  ASSERT_TRUE(h.act(c->id, "complete").ok());
  auto proposed = h.propose_decision(c->id);
  ASSERT_TRUE(proposed.ok());
  EXPECT_EQ(proposed->proposal["outcome"], "granted");
  auto issued = h.act(c->id, "issue");
  ASSERT_TRUE(issued.ok()) << issued.status().to_string();
  EXPECT_EQ(issued->status, "closed");
  const auto history = h.history(c->id);
  ASSERT_TRUE(history.ok());
  EXPECT_THAT(plugin_events(*history, "card_ordered"), SizeIs(1));
}

TEST(HealthCardInEngine, ARefusalCarriesReasonsAndAComplaintIsReconsidered) {
  auto created = PluginHarness::create(PLUGIN_PATH);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  PluginHarness& h = **created;
  json bad = kComplete;
  bad["gp_choice"] = "";
  auto c = h.open_case(bad, "070761-4285");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(h.act(c->id, "register").ok());
  auto invalid = h.act(c->id, "complete");
  ASSERT_EQ(invalid.status().code(), ErrorCode::kGuardFailed);
  EXPECT_THAT(invalid.status().message(), HasSubstr("chooses a GP practice"));
  ASSERT_TRUE(h.act(c->id, "complete", {{"gp_choice", "Lægehuset Vestergade"}}).ok());
  auto refused = h.act(c->id, "refuse", {{"reasons", "Lægepraksis Vestergade har lukket for tilgang"}});
  ASSERT_TRUE(refused.ok()) << refused.status().to_string();
  const auto history = h.history(c->id);
  ASSERT_TRUE(history.ok());
  EXPECT_TRUE(history->back().data["decision"].contains("complaint_guidance"));
  ASSERT_TRUE(h.act(c->id, "complain").ok());
  auto changed = h.act(c->id, "change_decision");
  ASSERT_TRUE(changed.ok()) << changed.status().to_string();
  EXPECT_EQ(changed->outcome, "granted");
}

}  // namespace
