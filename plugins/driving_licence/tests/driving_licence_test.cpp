// The driving licence plugin: its code against MockHost (form rules, no
// proposals, the letters and the fee setting), and the built plugin in a real
// engine: register, reject a photo, complete, forward to the police, and the
// municipality refused when it tries to decide for the police.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sagsflow/testing/mock_host.hpp>
#include <sagsflow/testing/plugin_calls.hpp>
#include <sagsflow/testing/plugin_harness.hpp>

// MockHost, PluginHarness, and the helpers: a_case, errors_of, proposal_of, plugin_events ...
using namespace sagsflow::testing;
using ::testing::_;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::NiceMock;
using ::testing::Return;
using json = nlohmann::json;

namespace {

// An application as the host hands it over (a_case() of the test kit, with its case number).
json an_application(json fields) { return a_case(std::move(fields), {{"case_number", "23.09.04-G01-1-26"}}); }

json valid_fields(json more = json::object()) {
  json f = {{"full_name", "Jens Hansen"},
            {"address", "Rådhuspladsen 1, 1550 København V"},
            {"fee_paid", true},
            {"residence_in_denmark", true}};
  f.update(more);
  return f;
}

// ---- the code, against MockHost ---------------------------------------------

TEST(DrivingLicenceCode, ACompleteApplicationWithResidenceAndFeeIsValid) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  ASSERT_NE(d, nullptr);
  EXPECT_STREQ(d->id, "driving_licence");
  EXPECT_THAT(errors_of(d, an_application(valid_fields())), IsEmpty());
}

TEST(DrivingLicenceCode, NormalResidenceInDenmarkIsRequired) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  EXPECT_THAT(errors_of(d, an_application(valid_fields({{"residence_in_denmark", false}}))),
              Contains(HasSubstr("residence_in_denmark: a Danish driving licence requires normal residence in "
                                 "Denmark (Directive 2006/126/EC art. 7(1)(e))")));
  json unknown = valid_fields();
  unknown.erase("residence_in_denmark");
  EXPECT_THAT(errors_of(d, an_application(unknown)),
              Contains("residence_in_denmark: state whether the applicant has normal residence in Denmark"));
}

TEST(DrivingLicenceCode, TheFeeMustBePaidBeforeForwarding) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  EXPECT_THAT(errors_of(d, an_application(valid_fields({{"fee_paid", false}}))),
              Contains("fee_paid: the driving licence fee must be paid before the application is forwarded"));
}

TEST(DrivingLicenceCode, ARejectedPhotoBlocksCompletionUntilANewOneIsAccepted) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  EXPECT_THAT(errors_of(d, an_application(valid_fields({{"photo_accepted", false}}))),
              Contains("photo_accepted: the photo is rejected: the citizen must bring a new photo"));
  EXPECT_THAT(errors_of(d, an_application(valid_fields({{"photo_rejection_reason", "glasses reflect the light"}}))),
              Contains("photo_accepted: a photo was rejected (glasses reflect the light): confirm that the new "
                       "photo meets the requirements (photo_accepted: true)"));
  EXPECT_THAT(errors_of(d, an_application(valid_fields({{"photo_rejection_reason", "glasses reflect the light"},
                                                {"photo_accepted", true}}))),
              IsEmpty());
}

TEST(DrivingLicenceCode, NeverProposesADecisionBecauseThePoliceDecide) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, log(SF_LOG_INFO, "case 23.09.04-G01-1-26: driving licences are decided by Politiet; the "
                                     "municipality proposes no decision"));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  auto [rc, out] = CallJson(d, d->propose_decision, an_application(valid_fields({{"photo_accepted", true}})).dump());
  EXPECT_EQ(rc, SF_OK);
  EXPECT_EQ(out, "null");
}

TEST(DrivingLicenceCode, ForwardingQueuesALetterWithTheConfiguredFee) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, config("fee")).WillOnce(Return(std::optional<std::string>("280")));
  EXPECT_CALL(host, add_event(7, "letter_queued", R"({"fee_kr":280,"letter":"forwarded_to_police","to":"Politiet"})"))
      .WillOnce(Return(SF_OK));
  EXPECT_CALL(host, add_event(7, "letter_queued",
                              R"({"letter":"photo_rejected","reason":"glasses reflect the light"})"))
      .WillOnce(Return(SF_OK));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  char* error = nullptr;
  EXPECT_EQ(d->on_case_event(d->instance,
                             R"({"case_id": 7, "action": "reject_photo",
                                 "data": {"fields": {"photo_rejection_reason": "glasses reflect the light"}}})",
                             &error),
            SF_OK);
  EXPECT_EQ(d->on_case_event(d->instance, R"({"case_id": 7, "action": "forward", "data": {}})", &error), SF_OK);
  EXPECT_EQ(error, nullptr);
}

TEST(DrivingLicenceCode, AFeeSettingThatIsNotANumberIsAnError) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, config("fee")).WillOnce(Return(std::optional<std::string>("280,-")));
  EXPECT_CALL(host, add_event(_, _, _)).Times(0);
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  char* error = nullptr;
  EXPECT_EQ(d->on_case_event(d->instance, R"({"case_id": 7, "action": "forward"})", &error), SF_ERROR);
  ASSERT_NE(error, nullptr);
  EXPECT_THAT(std::string(error), HasSubstr("setting fee must be a whole number of kroner, not '280,-'"));
  d->free_string(error);
}

// ---- the built plugin, in a real engine --------------------------------------

bool letter_queued(const std::vector<CaseEvent>& history, const std::string& letter, json* data = nullptr) {
  for (const auto& queued : plugin_events(history, "letter_queued")) {
    if (queued.value("letter", "") != letter) continue;
    if (data) *data = queued;
    return true;
  }
  return false;
}

const std::vector<std::string> kAllDocuments{"photo", "identity_document", "health_certificate"};

TEST(DrivingLicenceInEngine, ManifestNamesThePoliceAsTheDecidingStateAuthority) {
  auto created = PluginHarness::create(PLUGIN_PATH);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  const auto& m = (*created)->manifest();
  EXPECT_EQ(m.owning_authority.kind, "state");
  EXPECT_EQ(m.owning_authority.id, "politiet");
  EXPECT_EQ(m.owning_authority.name, "Politiet");
  EXPECT_EQ(m.kle_subjects, std::vector<std::string>{"23.09.04"});
  EXPECT_TRUE(m.complaints.reconsideration);
  EXPECT_EQ(m.complaints.appeals_body, "");
}

TEST(DrivingLicenceInEngine, RegisterRejectPhotoCompleteForwardThenOnlyThePoliceMayDecide) {
  auto created = PluginHarness::create(PLUGIN_PATH, {{"fee", "280"}});
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  PluginHarness& h = **created;

  auto c = h.open_case({{"full_name", "Jens Hansen"}, {"address", "Rådhuspladsen 1, 1550 København V"}},
                       "070761-4285");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->owning_authority, "politiet");
  ASSERT_TRUE(h.act(c->id, "register").ok());

  auto rejected = h.act(c->id, "reject_photo", {{"photo_rejection_reason", "glasses reflect the light"}}, {"photo"});
  ASSERT_TRUE(rejected.ok()) << rejected.status().to_string();
  EXPECT_EQ(rejected->stage, "check");

  // The rejected photo stands until a new one is accepted; residence and fee are checked too.
  const json base = {{"fee_paid", true}, {"residence_in_denmark", true}};
  auto still_rejected = h.act(c->id, "complete", base, kAllDocuments);
  ASSERT_EQ(still_rejected.status().code(), ErrorCode::kGuardFailed);
  EXPECT_THAT(still_rejected.status().message(), HasSubstr("photo_accepted: a photo was rejected"));
  auto abroad = h.act(c->id, "complete", {{"fee_paid", true}, {"residence_in_denmark", false}, {"photo_accepted", true}},
                      kAllDocuments);
  ASSERT_EQ(abroad.status().code(), ErrorCode::kGuardFailed);
  EXPECT_THAT(abroad.status().message(), HasSubstr("requires normal residence in Denmark"));

  json accepted = base;
  accepted["photo_accepted"] = true;
  auto complete = h.act(c->id, "complete", accepted, kAllDocuments);
  ASSERT_TRUE(complete.ok()) << complete.status().to_string();
  EXPECT_EQ(complete->stage, "forward_to_police");

  auto forwarded = h.act(c->id, "forward");
  ASSERT_TRUE(forwarded.ok()) << forwarded.status().to_string();
  EXPECT_EQ(forwarded->stage, "decision");
  EXPECT_EQ(forwarded->forwarded["to"], "politiet");
  EXPECT_EQ(forwarded->forwarded["on"], "2026-11-23");

  // The municipality proposes nothing ...
  auto proposed = h.propose_decision(c->id);
  ASSERT_TRUE(proposed.ok()) << proposed.status().to_string();
  EXPECT_TRUE(proposed->proposal.is_null());

  // ... and may not decide: the harness acts for the municipality (authority
  // 0999) with every role; the police decide.
  EXPECT_EQ(h.actor().authority, "0999");
  for (const std::string decision : {"issue", "refuse"}) {
    auto attempt = h.act(c->id, decision, {{"reasons", "x"}});
    ASSERT_EQ(attempt.status().code(), ErrorCode::kForbidden) << decision;
    EXPECT_THAT(attempt.status().message(), HasSubstr("is decided by politiet, not by 0999"));
  }
  auto waiting = h.get_case(c->id);
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(waiting->stage, "decision");
  EXPECT_EQ(waiting->status, "open");
  EXPECT_FALSE(waiting->decided_on.has_value());

  auto history = h.history(c->id);
  ASSERT_TRUE(history.ok());
  json letter;
  EXPECT_TRUE(letter_queued(*history, "photo_rejected", &letter));
  EXPECT_EQ(letter["reason"], "glasses reflect the light");
  ASSERT_TRUE(letter_queued(*history, "forwarded_to_police", &letter));
  EXPECT_EQ(letter["fee_kr"], 280);
  EXPECT_TRUE(h.replay_matches_state(c->id).ok()) << h.replay_matches_state(c->id).to_string();
}

TEST(DrivingLicenceInEngine, ThePoliceDecideAndReconsiderAComplaintTheCentreReceived) {
  auto created = PluginHarness::create(PLUGIN_PATH, {{"fee", "280"}});
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  PluginHarness& h = **created;
  auto c = h.open_case({{"full_name", "Jens Hansen"}, {"address", "Rådhuspladsen 1, 1550 København V"}},
                       "070761-4285");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_TRUE(h.act(c->id, "register").ok());
  ASSERT_TRUE(h.act(c->id, "complete", {{"fee_paid", true}, {"residence_in_denmark", true}}, kAllDocuments).ok());
  ASSERT_TRUE(h.act(c->id, "forward").ok());

  // The police, acting for themselves, refuse with reasons and complaint
  // guidance: after hearing the citizen on the health information (FVL §19).
  Actor police = h.actor();
  police.id = "politiet-sagsbehandler";
  police.authority = "politiet";
  auto unheard = h.act_as(police, c->id, "refuse", {{"reasons", "Helbredsattesten opfylder ikke kravene"}});
  EXPECT_EQ(unheard.status().code(), ErrorCode::kGuardFailed) << "no refusal before a party hearing";
  ASSERT_TRUE(h.hold_hearing(police, c->id, "Lægens helbredsattest: synsstyrken opfylder ikke kravet").ok());
  ASSERT_TRUE(h.hearing_reply(police, c->id, "Jeg har fået nye briller").ok());
  auto refused = h.act_as(police, c->id, "refuse", {{"reasons", "Helbredsattesten opfylder ikke kravene"}});
  ASSERT_TRUE(refused.ok()) << refused.status().to_string();
  EXPECT_EQ(refused->outcome, "refused");
  auto history = h.history(c->id);
  ASSERT_TRUE(history.ok());
  json guidance;
  for (const auto& e : *history) {
    if (e.action == "refuse") guidance = e.data["decision"]["complaint_guidance"];
  }
  EXPECT_EQ(guidance["to"], "politiet") << guidance.dump();

  // The citizen complains at the centre (receiving is the centre's task); the police reconsider.
  ASSERT_TRUE(h.act(c->id, "complain").ok());
  auto by_centre = h.act(c->id, "uphold");
  EXPECT_EQ(by_centre.status().code(), ErrorCode::kForbidden) << "only the deciding authority reconsiders";
  auto upheld = h.act_as(police, c->id, "uphold");
  ASSERT_TRUE(upheld.ok()) << upheld.status().to_string();
  EXPECT_EQ(upheld->stage, "appeals");
}

TEST(DrivingLicenceInEngine, ABadFeeSettingMarksAnIncidentButKeepsTheForwarding) {
  auto created = PluginHarness::create(PLUGIN_PATH, {{"fee", "two hundred"}});
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  PluginHarness& h = **created;
  auto c = h.open_case({{"full_name", "Jens Hansen"}, {"address", "Rådhuspladsen 1"}});
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_TRUE(h.act(c->id, "register").ok());
  ASSERT_TRUE(h.act(c->id, "complete", {{"fee_paid", true}, {"residence_in_denmark", true}}, kAllDocuments).ok());
  ASSERT_TRUE(h.act(c->id, "forward").ok());
  auto state = h.get_case(c->id);
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->stage, "decision");
  ASSERT_FALSE(state->incident.is_null());
  EXPECT_EQ(state->incident["plugin"], "driving_licence");
  EXPECT_EQ(state->incident["operation"], "on_case_event");
  EXPECT_THAT(state->incident["error"].get<std::string>(), HasSubstr("setting fee must be a whole number"));
}

}  // namespace
