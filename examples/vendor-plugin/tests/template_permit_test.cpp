// The template plugin's tests: its code against MockHost, and the built plugin
// running a case from receipt through a complaint in a real engine.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sagsflow/testing/mock_host.hpp>
#include <sagsflow/testing/plugin_calls.hpp>
#include <sagsflow/testing/plugin_harness.hpp>

// MockHost, PluginHarness, and the helpers: a_case, errors_of, proposal_of, CallJson ...
using namespace sagsflow::testing;
using ::testing::_;
using ::testing::Contains;
using ::testing::IsEmpty;
using ::testing::NiceMock;
using ::testing::Return;

namespace {

TEST(TemplatePermitCode, RenewalMustNameThePreviousPermit) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  ASSERT_NE(d, nullptr);
  EXPECT_STREQ(d->id, "template_permit");
  EXPECT_THAT(errors_of(d, a_case({{"kind", "renewal"}})),
              Contains("previous_permit: a renewal must name the previous permit"));
  EXPECT_THAT(errors_of(d, a_case({{"kind", "new"}})), IsEmpty());
}

TEST(TemplatePermitCode, ProposesFromTheConfiguredIncomeLimit) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, config("income_limit")).WillRepeatedly(Return(std::optional<std::string>("300000")));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  const auto p = proposal_of(d, a_case({{"income", 310000}}));
  EXPECT_EQ(p["outcome"], "refused");
  EXPECT_EQ(p["reasons"][0], "household income 310000 kr exceeds the limit of 300000 kr");
}

TEST(TemplatePermitCode, NoLimitConfiguredMeansNoProposal) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, config("income_limit")).WillOnce(Return(std::nullopt));
  EXPECT_CALL(host, log(SF_LOG_INFO, "no income_limit configured: no proposal"));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  EXPECT_TRUE(proposal_of(d, a_case({{"income", 1}})).is_null());
}

TEST(TemplatePermitCode, QueuesTheLetterAfterADecision) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, add_event(7, "letter_queued", R"({"decision":"refuse"})")).WillOnce(Return(SF_OK));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  std::string error;
  EXPECT_EQ(event_to(d, {{"case_id", 7}, {"action", "refuse"}}, &error), SF_OK);
  EXPECT_EQ(error, "");
}

TEST(TemplatePermitCode, MalformedInputBecomesAnErrorNotAnException) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  auto [rc, out] = CallJson(d, d->validate_form, "{not json");
  EXPECT_EQ(rc, SF_ERROR);
  EXPECT_THAT(out, ::testing::HasSubstr("plugin error"));
}

TEST(TemplatePermitInEngine, FromReceiptThroughDecisionAndComplaint) {
  auto created = PluginHarness::create(PLUGIN_PATH, {{"income_limit", "300000"}});
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  PluginHarness& h = **created;
  EXPECT_EQ(h.manifest().complaints.appeals_body, "Ankestyrelsen");

  auto c = h.open_case({{"applicant", "Jens Hansen"}, {"kind", "renewal"}}, "070761-4285");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_TRUE(h.act(c->id, "register").ok());
  auto invalid = h.act(c->id, "complete", {{"income", 420000}}, {"documentation"});
  ASSERT_EQ(invalid.status().code(), ErrorCode::kGuardFailed);
  EXPECT_THAT(invalid.status().message(), ::testing::HasSubstr("previous_permit: a renewal must name the previous permit"));
  ASSERT_TRUE(h.act(c->id, "complete", {{"income", 420000}, {"previous_permit", "T-17"}}, {"documentation"}).ok());

  auto proposed = h.propose_decision(c->id);
  ASSERT_TRUE(proposed.ok()) << proposed.status().to_string();
  EXPECT_EQ(proposed->proposal["outcome"], "refused");
  auto refused = h.act(c->id, "refuse", {{"reasons", proposed->proposal["reasons"][0]}});
  ASSERT_TRUE(refused.ok()) << refused.status().to_string();
  EXPECT_EQ(refused->complaint_due, "2026-12-21");

  ASSERT_TRUE(h.act(c->id, "complain").ok());
  ASSERT_TRUE(h.act(c->id, "uphold").ok());
  auto closed = h.act(c->id, "appeal_decided");
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->status, "closed");

  auto history = h.history(c->id);
  ASSERT_TRUE(history.ok());
  EXPECT_THAT(plugin_events(*history, "letter_queued"), Contains(nlohmann::json{{"decision", "refuse"}}))
      << "the plugin heard the decision and queued the letter";
  EXPECT_TRUE(h.replay_matches_state(c->id).ok()) << h.replay_matches_state(c->id).to_string();
}

TEST(TemplatePermitInEngine, FormValidationWithoutACase) {
  auto created = PluginHarness::create(PLUGIN_PATH);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  auto problems = (*created)->validate_form({{"applicant", "X"}, {"kind", "old"}});
  ASSERT_TRUE(problems.ok());
  EXPECT_THAT(*problems, ::testing::Contains("kind: must be one of new, renewal"));
  EXPECT_THAT(*problems, ::testing::Contains("income: is required"));
}

}  // namespace
