// The template plugin's tests: its code against MockHost, and the built plugin
// running a case from receipt through a complaint in a real engine.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sagsflow/testing/mock_host.hpp>
#include <sagsflow/testing/plugin_harness.hpp>

using namespace sagsflow;
using sagsflow::testing::CallJson;
using sagsflow::testing::MockHost;
using sagsflow::testing::PluginHarness;
using ::testing::_;
using ::testing::NiceMock;
using ::testing::Return;

namespace {

nlohmann::json a_case(nlohmann::json fields) { return {{"id", 1}, {"fields", std::move(fields)}}; }

TEST(TemplatePermitCode, RenewalMustNameThePreviousPermit) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  ASSERT_NE(d, nullptr);
  EXPECT_STREQ(d->id, "template_permit");
  auto [rc, out] = CallJson(d, d->validate_form, a_case({{"kind", "renewal"}}).dump());
  EXPECT_EQ(rc, SF_OK);
  EXPECT_EQ(nlohmann::json::parse(out)["errors"][0]["field"], "previous_permit");
  auto [rc2, ok] = CallJson(d, d->validate_form, a_case({{"kind", "new"}}).dump());
  EXPECT_EQ(nlohmann::json::parse(ok)["errors"].size(), 0u);
}

TEST(TemplatePermitCode, ProposesFromTheConfiguredIncomeLimit) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, config("income_limit")).WillRepeatedly(Return(std::optional<std::string>("300000")));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  auto [rc, out] = CallJson(d, d->propose_decision, a_case({{"income", 310000}}).dump());
  ASSERT_EQ(rc, SF_OK);
  const auto p = nlohmann::json::parse(out);
  EXPECT_EQ(p["outcome"], "refused");
  EXPECT_EQ(p["reasons"][0], "household income 310000 kr exceeds the limit of 300000 kr");
}

TEST(TemplatePermitCode, NoLimitConfiguredMeansNoProposal) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, config("income_limit")).WillOnce(Return(std::nullopt));
  EXPECT_CALL(host, log(SF_LOG_INFO, "no income_limit configured: no proposal"));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  auto [rc, out] = CallJson(d, d->propose_decision, a_case({{"income", 1}}).dump());
  EXPECT_EQ(rc, SF_OK);
  EXPECT_EQ(out, "null");
}

TEST(TemplatePermitCode, QueuesTheLetterAfterADecision) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, add_event(7, "letter_queued", R"({"decision":"refuse"})")).WillOnce(Return(SF_OK));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  char* error = nullptr;
  EXPECT_EQ(d->on_case_event(d->instance, R"({"case_id": 7, "action": "refuse"})", &error), SF_OK);
  EXPECT_EQ(error, nullptr);
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
  EXPECT_EQ(format_date(*refused->complaint_due), "2026-12-21");

  ASSERT_TRUE(h.act(c->id, "complain").ok());
  ASSERT_TRUE(h.act(c->id, "uphold").ok());
  auto closed = h.act(c->id, "appeal_decided");
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->status, CaseStatus::kClosed);

  auto history = h.history(c->id);
  ASSERT_TRUE(history.ok());
  bool letter = false;
  for (const auto& e : *history) letter |= e.action == "plugin_event" && e.data["plugin_event"]["kind"] == "letter_queued";
  EXPECT_TRUE(letter) << "the plugin heard the decision and queued the letter";
  EXPECT_EQ(*replay(*history), *h.engine().get_case(c->id));
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
