// The tax-help plugin: a concrete assessment is refused, nothing is ever
// proposed, and in a real engine the centre registers and forwards the
// inquiry to Skattestyrelsen, never deciding it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sagsflow/testing/mock_host.hpp>
#include <sagsflow/testing/plugin_harness.hpp>

using namespace sagsflow;
using sagsflow::testing::CallJson;
using sagsflow::testing::MockHost;
using sagsflow::testing::PluginHarness;
using ::testing::HasSubstr;
using ::testing::NiceMock;
using json = nlohmann::json;

namespace {

TEST(TaxHelpCode, AConcreteAssessmentIsRefusedAsSkattestyrelsensAuthority) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  auto [rc, out] = CallJson(
      d, d->validate_form, json{{"id", 1}, {"fields", {{"topic", "debt"}, {"concrete_assessment_requested", true}}}}.dump());
  ASSERT_EQ(rc, SF_OK);
  const auto errors = json::parse(out)["errors"];
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_THAT(errors[0]["message"].get<std::string>(), HasSubstr("exercises Skattestyrelsen's authority"));
  auto [rc2, none] = CallJson(d, d->propose_decision, json{{"id", 1}, {"fields", json::object()}}.dump());
  EXPECT_EQ(none, "null");
}

TEST(TaxHelpInEngine, TheCentreRegistersAndForwardsToSkattestyrelsenAndNeverDecides) {
  auto created = PluginHarness::create(PLUGIN_PATH);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  PluginHarness& h = **created;
  auto c = h.open_case({{"topic", "annual_statement"}, {"form_received", true}}, "070761-4285");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->owning_authority, "skattestyrelsen");
  ASSERT_TRUE(h.act(c->id, "register").ok());
  auto refused = h.act(c->id, "forward", {{"concrete_assessment_requested", true}});
  EXPECT_EQ(refused.status().code(), ErrorCode::kGuardFailed);
  auto forwarded = h.act(c->id, "forward", {{"concrete_assessment_requested", false}});
  ASSERT_TRUE(forwarded.ok()) << forwarded.status().to_string();
  EXPECT_EQ(forwarded->status, CaseStatus::kClosed);
  EXPECT_EQ(forwarded->forwarded.value("to", ""), "skattestyrelsen");
  bool event_seen = false;
  const auto history = h.history(c->id);
  ASSERT_TRUE(history.ok());
  for (const auto& e : *history) {
    event_seen |= e.action == "plugin_event" && e.data["plugin_event"]["kind"] == "forwarded_to_skattestyrelsen";
  }
  EXPECT_TRUE(event_seen);
}

}  // namespace
