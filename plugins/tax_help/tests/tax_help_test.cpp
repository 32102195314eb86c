// The tax-help plugin: a concrete assessment is refused, nothing is ever
// proposed, and in a real engine the centre registers and forwards the
// inquiry to Skattestyrelsen, never deciding it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sagsflow/testing/mock_host.hpp>
#include <sagsflow/testing/plugin_calls.hpp>
#include <sagsflow/testing/plugin_harness.hpp>

// MockHost, PluginHarness, and the helpers: a_case, errors_of, proposal_of, plugin_events ...
using namespace sagsflow::testing;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::NiceMock;
using ::testing::SizeIs;
using ::testing::StartsWith;
using json = nlohmann::json;

namespace {

TEST(TaxHelpCode, AConcreteAssessmentIsRefusedAsSkattestyrelsensAuthority) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  EXPECT_THAT(errors_of(d, a_case({{"topic", "debt"}, {"concrete_assessment_requested", true}})),
              ElementsAre(AllOf(StartsWith("concrete_assessment_requested: "),
                                HasSubstr("exercises Skattestyrelsen's authority"))));
  EXPECT_TRUE(proposal_of(d, a_case()).is_null());
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
  EXPECT_EQ(forwarded->status, "closed");
  EXPECT_EQ(forwarded->forwarded.value("to", ""), "skattestyrelsen");
  const auto history = h.history(c->id);
  ASSERT_TRUE(history.ok());
  EXPECT_THAT(plugin_events(*history, "forwarded_to_skattestyrelsen"), SizeIs(1));
}

}  // namespace
