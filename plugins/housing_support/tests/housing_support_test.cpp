// The housing-support plugin: its code against MockHost, and the built plugin
// in a real engine, both as Udbetaling Danmark's matter (the municipality
// receives, checks and forwards; a municipal decision is refused) and run as
// the municipality's own task (proposal, decision, complaint).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sagsflow/testing/mock_host.hpp>
#include <sagsflow/testing/plugin_calls.hpp>
#include <sagsflow/testing/plugin_harness.hpp>

#include <fstream>
#include <sstream>

// MockHost, PluginHarness, and the helpers: a_case, errors_of, proposal_of, plugin_events ...
using namespace sagsflow::testing;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::NiceMock;
using ::testing::Return;
using json = nlohmann::json;

namespace {

// A case in `stage`, owned by `owner` (a_case() of the test kit).
json a_case_at(const std::string& owner, const std::string& stage, json fields) {
  return a_case(std::move(fields), {{"owning_authority", owner}, {"stage", stage}});
}
const json kComplete = {{"full_name", "Jens Hansen"}, {"address", "Nørregade 1"}, {"household_income", 180000},
                        {"rent", 5200},               {"household_size", 2}};

TEST(HousingSupportCode, AMunicipalDecisionIsRefusedWhenUdbetalingDanmarkIsTheAuthority) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  const auto errors = errors_of(d, a_case_at("udbetaling-danmark", "decision", kComplete));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0], HasSubstr("Udbetaling Danmark decides housing support"));
  EXPECT_THAT(errors_of(d, a_case_at("udbetaling-danmark", "check", kComplete)), ::testing::IsEmpty())
      << "receiving and checking is the centre's to do";
}

TEST(HousingSupportCode, ProposesFromTheConfiguredLimitsOnlyWhenRunAsTheMunicipalitysOwnTask) {
  NiceMock<MockHost> host;
  ON_CALL(host, config(_)).WillByDefault(Return(std::nullopt));
  ON_CALL(host, config("run_as_municipal_task")).WillByDefault(Return(std::optional<std::string>("true")));
  ON_CALL(host, config("income_limit")).WillByDefault(Return(std::optional<std::string>("200000")));
  ON_CALL(host, config("max_rent")).WillByDefault(Return(std::optional<std::string>("5000")));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  EXPECT_EQ(proposal_of(d, a_case_at("0999", "decision", kComplete))["outcome"], "partly_granted")
      << "rent 5200 above the 5000 counted";
  json rich = kComplete;
  rich["household_income"] = 250000;
  EXPECT_EQ(proposal_of(d, a_case_at("0999", "decision", rich))["outcome"], "refused");
  EXPECT_TRUE(proposal_of(d, a_case_at("udbetaling-danmark", "decision", kComplete)).is_null())
      << "never a proposal on Udbetaling Danmark's case";
}

TEST(HousingSupportInEngine, TheCentreReceivesChecksAndForwardsButCannotDecideForUdbetalingDanmark) {
  auto created = PluginHarness::create(PLUGIN_PATH);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  PluginHarness& h = **created;
  auto c = h.open_case({{"full_name", "Jens Hansen"}}, "070761-4285");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->owning_authority, "udbetaling-danmark");
  ASSERT_TRUE(h.act(c->id, "register").ok());
  auto missing = h.act(c->id, "complete");
  EXPECT_EQ(missing.status().code(), ErrorCode::kGuardFailed);
  ASSERT_TRUE(h.act(c->id, "complete", kComplete, {"lease"}).ok());
  auto forwarded = h.act(c->id, "forward");
  ASSERT_TRUE(forwarded.ok()) << forwarded.status().to_string();
  EXPECT_EQ(forwarded->forwarded["to"], "udbetaling-danmark");
  auto decided = h.act(c->id, "grant");
  ASSERT_EQ(decided.status().code(), ErrorCode::kForbidden);
  EXPECT_THAT(decided.status().message(), HasSubstr("decided by udbetaling-danmark"));
  auto history = h.history(c->id);
  ASSERT_TRUE(history.ok());
  EXPECT_THAT(plugin_events(*history, "forwarded_to_udbetaling_danmark"),
              ::testing::ElementsAre(json{{"action", "forward"}}));
}

TEST(HousingSupportInEngine, RunAsTheMunicipalitysOwnTaskFromReceiptThroughDecisionAndComplaint) {
  auto created = PluginHarness::create(
      PLUGIN_PATH, {{"run_as_municipal_task", "true"}, {"income_limit", "200000"}, {"max_rent", "5000"}});
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  PluginHarness& h = **created;
  // The municipality's own version of the shared workflow: it is the authority.
  std::ifstream in(std::string(PLUGIN_PATH).substr(0, std::string(PLUGIN_PATH).rfind('/')) + "/housing_support.yaml");
  std::stringstream text;
  text << in.rdbuf();
  std::string own = text.str();
  own.replace(own.find("owning_authority: udbetaling-danmark"), 36, "owning_authority: municipality");
  ASSERT_TRUE(h.deploy_workflow(own, "housing_support_own.yaml").ok());

  auto c = h.open_case(kComplete, "070761-4285");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_NE(c->owning_authority, "udbetaling-danmark");
  ASSERT_TRUE(h.act(c->id, "register").ok());
  ASSERT_TRUE(h.act(c->id, "complete", json::object(), {"lease"}).ok());
  ASSERT_TRUE(h.act(c->id, "forward").ok());
  auto proposed = h.propose_decision(c->id);
  ASSERT_TRUE(proposed.ok()) << proposed.status().to_string();
  EXPECT_EQ(proposed->proposal["outcome"], "partly_granted");
  // A partial grant rests on register facts (income, household): the citizen is heard first (FVL §19).
  auto unheard = h.act(c->id, "partly_grant", {{"reasons", "Huslejen tælles med højst 5000 kr"}});
  EXPECT_EQ(unheard.status().code(), ErrorCode::kGuardFailed) << "no partial grant before a party hearing";
  ASSERT_TRUE(h.hold_hearing(h.actor(), c->id, "Indkomst efter eIndkomst: 180.000 kr; husstand efter CPR: 2 voksne").ok());
  ASSERT_TRUE(h.hearing_reply(h.actor(), c->id, "Oplysningerne er rigtige").ok());
  auto decided = h.act(c->id, "partly_grant", {{"reasons", "Huslejen tælles med højst 5000 kr"}});
  ASSERT_TRUE(decided.ok()) << decided.status().to_string();
  EXPECT_EQ(decided->outcome, "partly_granted");
  ASSERT_TRUE(h.act(c->id, "complain").ok());
  auto upheld = h.act(c->id, "uphold");
  ASSERT_TRUE(upheld.ok()) << upheld.status().to_string();
  EXPECT_EQ(upheld->stage, "appeals");
}

}  // namespace
