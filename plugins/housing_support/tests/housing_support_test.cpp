// The housing-support plugin: its code against MockHost, and the built plugin
// in a real engine, both as Udbetaling Danmark's matter (the municipality
// receives, checks and forwards; a municipal decision is refused) and run as
// the municipality's own task (proposal, decision, complaint).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sagsflow/testing/mock_host.hpp>
#include <sagsflow/testing/plugin_harness.hpp>

#include <fstream>
#include <sstream>

using namespace sagsflow;
using sagsflow::testing::CallJson;
using sagsflow::testing::MockHost;
using sagsflow::testing::PluginHarness;
using ::testing::_;
using ::testing::HasSubstr;
using ::testing::NiceMock;
using ::testing::Return;
using json = nlohmann::json;

namespace {

json a_case(std::string owner, std::string stage, json fields) {
  return {{"id", 1}, {"owning_authority", owner}, {"stage", stage}, {"fields", std::move(fields)}};
}
const json kComplete = {{"full_name", "Jens Hansen"}, {"address", "Nørregade 1"}, {"household_income", 180000},
                        {"rent", 5200},               {"household_size", 2}};

TEST(HousingSupportCode, AMunicipalDecisionIsRefusedWhenUdbetalingDanmarkIsTheAuthority) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  auto [rc, out] = CallJson(d, d->validate_form, a_case("udbetaling-danmark", "decision", kComplete).dump());
  ASSERT_EQ(rc, SF_OK);
  const auto errors = json::parse(out)["errors"];
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0]["message"].get<std::string>(), HasSubstr("Udbetaling Danmark decides housing support"));
  auto [rc2, check] = CallJson(d, d->validate_form, a_case("udbetaling-danmark", "check", kComplete).dump());
  EXPECT_EQ(json::parse(check)["errors"].size(), 0u) << "receiving and checking is the centre's to do";
}

TEST(HousingSupportCode, ProposesFromTheConfiguredLimitsOnlyWhenRunAsTheMunicipalitysOwnTask) {
  NiceMock<MockHost> host;
  ON_CALL(host, config(_)).WillByDefault(Return(std::nullopt));
  ON_CALL(host, config("run_as_municipal_task")).WillByDefault(Return(std::optional<std::string>("true")));
  ON_CALL(host, config("income_limit")).WillByDefault(Return(std::optional<std::string>("200000")));
  ON_CALL(host, config("max_rent")).WillByDefault(Return(std::optional<std::string>("5000")));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  auto [rc, out] = CallJson(d, d->propose_decision, a_case("0999", "decision", kComplete).dump());
  ASSERT_EQ(rc, SF_OK);
  const auto p = json::parse(out);
  EXPECT_EQ(p["outcome"], "partly_granted") << "rent 5200 above the 5000 counted";
  json rich = kComplete;
  rich["household_income"] = 250000;
  auto [rc2, out2] = CallJson(d, d->propose_decision, a_case("0999", "decision", rich).dump());
  EXPECT_EQ(json::parse(out2)["outcome"], "refused");
  auto [rc3, out3] = CallJson(d, d->propose_decision, a_case("udbetaling-danmark", "decision", kComplete).dump());
  EXPECT_EQ(out3, "null") << "never a proposal on Udbetaling Danmark's case";
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
  bool event_seen = false;
  for (const auto& e : *history) {
    event_seen |= e.action == "plugin_event" &&
                  e.data["plugin_event"]["kind"] == "forwarded_to_udbetaling_danmark";
  }
  EXPECT_TRUE(event_seen);
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
  ASSERT_TRUE(h.engine().deploy_workflow(own, "housing_support_own.yaml").ok());

  auto c = h.open_case(kComplete, "070761-4285");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_NE(c->owning_authority, "udbetaling-danmark");
  ASSERT_TRUE(h.act(c->id, "register").ok());
  ASSERT_TRUE(h.act(c->id, "complete", json::object(), {"lease"}).ok());
  ASSERT_TRUE(h.act(c->id, "forward").ok());
  auto proposed = h.propose_decision(c->id);
  ASSERT_TRUE(proposed.ok()) << proposed.status().to_string();
  EXPECT_EQ(proposed->proposal["outcome"], "partly_granted");
  auto decided = h.act(c->id, "partly_grant", {{"reasons", "Huslejen tælles med højst 5000 kr"}});
  ASSERT_TRUE(decided.ok()) << decided.status().to_string();
  EXPECT_EQ(decided->outcome, "partly_granted");
  ASSERT_TRUE(h.act(c->id, "complain").ok());
  auto upheld = h.act(c->id, "uphold");
  ASSERT_TRUE(upheld.ok()) << upheld.status().to_string();
  EXPECT_EQ(upheld->stage, "appeals");
}

}  // namespace
