// The passport plugin: its code against MockHost (form rules, proposals, the
// fee settings, the letters), and the built plugin in a real engine from
// receipt through a refusal, a complaint, reconsideration and the appeal.
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
using ::testing::NiceMock;
using ::testing::Not;
using ::testing::Return;
using json = nlohmann::json;

namespace {

// a_case(): a case as the host hands it to the plugin: CPR 070761-XXXX
// (masked), opened on 2026-11-23 (sagsflow/testing/plugin_calls.hpp).

json complete_fields(json more = json::object()) {
  json f = {{"full_name", "Jens Hansen"}, {"height_cm", 182}, {"fee_paid", true}};
  f.update(more);
  return f;
}

json with_documents() { return attachments({"photo", "identity_document"}); }

// ---- the code, against MockHost ---------------------------------------------

TEST(PassportCode, DescriptorNamesThePassportPlugin) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  ASSERT_NE(d, nullptr);
  EXPECT_STREQ(d->id, "passport");
  EXPECT_STREQ(d->version, "1.0.0");
}

TEST(PassportCode, AnAdultsCompleteApplicationIsValid) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  EXPECT_THAT(errors_of(d, a_case(complete_fields())), ::testing::IsEmpty());
}

TEST(PassportCode, HeightMustBeAWholeNumberOfCentimetresFrom50To250) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  EXPECT_THAT(errors_of(d, a_case(complete_fields({{"height_cm", 49}}))),
              Contains("height_cm: must be from 50 to 250 cm, not 49"));
  EXPECT_THAT(errors_of(d, a_case(complete_fields({{"height_cm", 251}}))),
              Contains("height_cm: must be from 50 to 250 cm, not 251"));
  EXPECT_THAT(errors_of(d, a_case(complete_fields({{"height_cm", 182.5}}))),
              Contains("height_cm: give the height as a whole number of centimetres"));
  EXPECT_THAT(errors_of(d, a_case(complete_fields({{"height_cm", "182"}}))),
              Contains("height_cm: give the height as a whole number of centimetres"));
  EXPECT_THAT(errors_of(d, a_case(complete_fields({{"height_cm", 50}}))), ::testing::IsEmpty());
  EXPECT_THAT(errors_of(d, a_case(complete_fields({{"height_cm", 250}}))), ::testing::IsEmpty());
}

TEST(PassportCode, TheFeeMustBePaid) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  EXPECT_THAT(errors_of(d, a_case(complete_fields({{"fee_paid", false}}))),
              Contains("fee_paid: the passport fee must be paid before the application is complete"));
}

TEST(PassportCode, AnApplicantUnder18NeedsTheConsentOfTheCustodyHolders) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  EXPECT_THAT(errors_of(d, a_case(complete_fields({{"applicant_age", 15}}))),
              Contains("guardian_consent: the applicant is 15: an applicant under 18 needs the consent of the "
                       "holders of parental custody"));
  EXPECT_THAT(errors_of(d, a_case(complete_fields({{"applicant_age", 15}, {"guardian_consent", false}}))),
              Contains(HasSubstr("guardian_consent")));
  EXPECT_THAT(errors_of(d, a_case(complete_fields({{"applicant_age", 15}, {"guardian_consent", true}}))),
              ::testing::IsEmpty());
  EXPECT_THAT(errors_of(d, a_case(complete_fields({{"applicant_age", 18}}))), ::testing::IsEmpty());
}

TEST(PassportCode, AgeFromTheBirthDateCountsOnTheCopenhagenApplicationDate) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  // Opened 2026-11-22 23:30 UTC = 2026-11-23 00:30 in Copenhagen: the 18th birthday.
  const json evening = {{"opened_at", "2026-11-22T23:30:00Z"}};
  EXPECT_THAT(errors_of(d, a_case(complete_fields({{"birth_date", "2008-11-23"}}), evening)), ::testing::IsEmpty());
  EXPECT_THAT(errors_of(d, a_case(complete_fields({{"birth_date", "2008-11-24"}}), evening)),
              Contains(HasSubstr("guardian_consent: the applicant is 17")));
  // Summer time: 2026-07-01 22:30 UTC is already 2 July in Copenhagen.
  const json summer = {{"opened_at", "2026-07-01T22:30:00Z"}};
  EXPECT_THAT(errors_of(d, a_case(complete_fields({{"birth_date", "2008-07-02"}}), summer)), ::testing::IsEmpty());
}

TEST(PassportCode, AgeFromTheMaskedCprWhenOnlyOneCenturyIsPossible) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  // 07-07-61: 1961 or 1861, and nobody born in 1861 applies: born 1961, aged 65.
  EXPECT_THAT(errors_of(d, a_case(complete_fields())), ::testing::IsEmpty());
  // 01-05-12: 1912 or 2012; the masked number cannot tell, so the age is asked for.
  const json child = {{"citizen", "010512-XXXX"}};
  EXPECT_THAT(errors_of(d, a_case(complete_fields(), child)),
              Contains(HasSubstr("applicant_age: give the applicant's age (or birth_date)")));
  EXPECT_THAT(errors_of(d, a_case(complete_fields({{"applicant_age", 14}, {"guardian_consent", true}}), child)),
              ::testing::IsEmpty());
  // Unmasked, the 7th digit settles the century (docs/legal.md#cpr-numbers: 4 and YY <= 36 -> 2000s).
  EXPECT_THAT(errors_of(d, a_case(complete_fields(), {{"citizen", "010512-4285"}})),
              Contains(HasSubstr("guardian_consent: the applicant is 14")));
}

TEST(PassportCode, ProposesToIssueWithTheAdultFeeFromTheSettings) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, config(_)).WillRepeatedly(Return(std::nullopt));
  EXPECT_CALL(host, config("fee_adult")).WillRepeatedly(Return(std::optional<std::string>("703")));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  const json p = proposal_of(d, a_case(complete_fields({{"photo_accepted", true}}), with_documents()));
  EXPECT_EQ(p["outcome"], "granted");
  EXPECT_THAT(p["reasons"].get<std::vector<std::string>>(),
              Contains("the photo meets the requirements for passport photos"));
  EXPECT_EQ(p["details"]["fee_setting"], "fee_adult");
  EXPECT_EQ(p["details"]["fee_kr"], 703);
  EXPECT_EQ(p["details"]["age"], 65);
}

TEST(PassportCode, TheFeeFollowsTheApplicantsAgeGroup) {
  NiceMock<MockHost> host;
  ON_CALL(host, config("fee_adult")).WillByDefault(Return(std::optional<std::string>("703")));
  ON_CALL(host, config("fee_child")).WillByDefault(Return(std::optional<std::string>("169")));
  ON_CALL(host, config("fee_senior")).WillByDefault(Return(std::optional<std::string>("389")));
  ON_CALL(host, config("senior_age")).WillByDefault(Return(std::optional<std::string>("65")));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  auto child = proposal_of(
      d, a_case(complete_fields({{"photo_accepted", true}, {"applicant_age", 9}, {"guardian_consent", true}}),
                with_documents()));
  EXPECT_EQ(child["details"]["fee_setting"], "fee_child");
  EXPECT_EQ(child["details"]["fee_kr"], 169);
  EXPECT_THAT(child["reasons"].get<std::vector<std::string>>(),
              Contains("the holders of parental custody have consented"));
  auto adult = proposal_of(d, a_case(complete_fields({{"photo_accepted", true}, {"applicant_age", 64}}),
                                     with_documents()));
  EXPECT_EQ(adult["details"]["fee_kr"], 703);
  auto senior = proposal_of(d, a_case(complete_fields({{"photo_accepted", true}, {"applicant_age", 65}}),
                                      with_documents()));
  EXPECT_EQ(senior["details"]["fee_setting"], "fee_senior");
  EXPECT_EQ(senior["details"]["fee_kr"], 389);
}

TEST(PassportCode, NoFeeConfiguredStillProposesAndLogsIt) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, config(_)).WillRepeatedly(Return(std::nullopt));
  EXPECT_CALL(host, log(SF_LOG_WARN, "no fee_adult configured: the proposal names no fee"));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  const json p = proposal_of(d, a_case(complete_fields({{"photo_accepted", true}}), with_documents()));
  EXPECT_EQ(p["outcome"], "granted");
  EXPECT_TRUE(p["details"]["fee_kr"].is_null());
}

TEST(PassportCode, AFeeSettingThatIsNotANumberIsAnErrorNotAGuess) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, config(_)).WillRepeatedly(Return(std::nullopt));
  EXPECT_CALL(host, config("fee_adult")).WillRepeatedly(Return(std::optional<std::string>("703 kr")));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  auto [rc, out] =
      CallJson(d, d->propose_decision, a_case(complete_fields({{"photo_accepted", true}}), with_documents()).dump());
  EXPECT_EQ(rc, SF_ERROR);
  EXPECT_THAT(out, HasSubstr("setting fee_adult must be a whole number, not '703 kr'"));
}

TEST(PassportCode, ProposesRefusalWithTheReasonWhenThePhotoIsNotAccepted) {
  NiceMock<MockHost> host;
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  const json p = proposal_of(
      d, a_case(complete_fields({{"photo_accepted", false}, {"photo_rejection_reason", "the face is in shadow"}}),
                with_documents()));
  EXPECT_EQ(p["outcome"], "refused");
  EXPECT_EQ(p["reasons"][0], "the photo does not meet the requirements for passport photos: the face is in shadow");
}

TEST(PassportCode, NoProposalBeforeThePhotoIsAssessedOrWhenIncomplete) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, log(SF_LOG_INFO, "the photo has not been assessed (photo_accepted): no proposal"));
  EXPECT_CALL(host, log(SF_LOG_INFO, HasSubstr("identity_document missing")));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  EXPECT_TRUE(proposal_of(d, a_case(complete_fields(), with_documents())).is_null());
  EXPECT_TRUE(proposal_of(d, a_case(complete_fields({{"photo_accepted", true}}),
                                    {{"attachments", json::array({{{"name", "photo"}}})}}))
                  .is_null());
}

TEST(PassportCode, ADecisionQueuesTheDecisionLetter) {
  NiceMock<MockHost> host;
  EXPECT_CALL(host, add_event(7, "letter_queued", R"({"decision":"refuse","letter":"decision","outcome":"refused"})"))
      .WillOnce(Return(SF_OK));
  EXPECT_CALL(host, add_event(7, "letter_queued", R"({"letter":"complaint_sent_on"})")).WillOnce(Return(SF_OK));
  const sf_plugin_descriptor* d = sagsflow_plugin_entry(host.api());
  char* error = nullptr;
  EXPECT_EQ(d->on_case_event(d->instance,
                             R"({"case_id": 7, "action": "refuse", "data": {"decision": {"outcome": "refused"}}})",
                             &error),
            SF_OK);
  EXPECT_EQ(d->on_case_event(d->instance, R"({"case_id": 7, "action": "uphold", "data": {}})", &error), SF_OK);
  EXPECT_EQ(d->on_case_event(d->instance, R"({"case_id": 7, "action": "register", "data": {}})", &error), SF_OK);
  EXPECT_EQ(error, nullptr);
}

// ---- the built plugin, in a real engine --------------------------------------

const std::map<std::string, std::string> kFees{{"fee_adult", "703"}, {"fee_child", "169"}};

bool letter_queued(const std::vector<CaseEvent>& history, const std::string& letter) {
  for (const auto& data : plugin_events(history, "letter_queued")) {
    if (data.value("letter", "") == letter) return true;
  }
  return false;
}

TEST(PassportInEngine, ManifestDeclaresTheMunicipalityAndNoCertainAppealsBody) {
  auto created = PluginHarness::create(PLUGIN_PATH);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  const auto& m = (*created)->manifest();
  EXPECT_EQ(m.owning_authority.kind, "this_municipality");
  EXPECT_EQ(m.kle_subjects, std::vector<std::string>{"23.09.02"});
  EXPECT_EQ(m.kle_facets, (std::vector<std::string>{"G01", "A53", "K02", "K03"}));
  EXPECT_TRUE(m.complaints.reconsideration);
  EXPECT_EQ(m.complaints.appeals_body, "");
  EXPECT_EQ(m.service_area, "passports");
}

TEST(PassportInEngine, RefusalWithReasonsThenComplaintReconsiderationUpholdAndAppeal) {
  auto created = PluginHarness::create(PLUGIN_PATH, kFees);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  PluginHarness& h = **created;

  auto c = h.open_case({{"full_name", "Jens Hansen"}}, "070761-4285");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_TRUE(h.act(c->id, "register").ok());

  // The plugin's rules run before `complete`.
  auto too_short = h.act(c->id, "complete", {{"height_cm", 30}, {"fee_paid", true}}, {"photo", "identity_document"});
  ASSERT_EQ(too_short.status().code(), ErrorCode::kGuardFailed);
  EXPECT_THAT(too_short.status().message(), HasSubstr("height_cm: must be from 50 to 250 cm, not 30"));
  auto unpaid = h.act(c->id, "complete", {{"height_cm", 182}, {"fee_paid", false}}, {"photo", "identity_document"});
  ASSERT_EQ(unpaid.status().code(), ErrorCode::kGuardFailed);
  EXPECT_THAT(unpaid.status().message(), HasSubstr("fee_paid: the passport fee must be paid"));

  auto complete = h.act(c->id, "complete",
                        {{"height_cm", 182},
                         {"fee_paid", true},
                         {"photo_accepted", false},
                         {"photo_rejection_reason", "the face is in shadow"}},
                        {"photo", "identity_document"});
  ASSERT_TRUE(complete.ok()) << complete.status().to_string();
  EXPECT_EQ(complete->stage, "decision");

  auto proposed = h.propose_decision(c->id);
  ASSERT_TRUE(proposed.ok()) << proposed.status().to_string();
  EXPECT_EQ(proposed->proposal["outcome"], "refused");
  const std::string reason = proposed->proposal["reasons"][0];
  EXPECT_EQ(reason, "the photo does not meet the requirements for passport photos: the face is in shadow");

  auto refused = h.act(c->id, "refuse", {{"reasons", reason}});
  ASSERT_TRUE(refused.ok()) << refused.status().to_string();
  EXPECT_EQ(refused->outcome, "refused");
  ASSERT_TRUE(refused->complaint_due.has_value());
  EXPECT_EQ(*refused->complaint_due, "2026-12-21");  // 4 weeks from 2026-11-23

  ASSERT_TRUE(h.act(c->id, "complain").ok());
  auto upheld = h.act(c->id, "uphold");
  ASSERT_TRUE(upheld.ok()) << upheld.status().to_string();
  EXPECT_EQ(upheld->stage, "appeals");
  auto closed = h.act(c->id, "appeal_decided");
  ASSERT_TRUE(closed.ok()) << closed.status().to_string();
  EXPECT_EQ(closed->status, "closed");

  auto history = h.history(c->id);
  ASSERT_TRUE(history.ok());
  EXPECT_TRUE(letter_queued(*history, "decision")) << "the refusal queued its letter";
  EXPECT_TRUE(letter_queued(*history, "complaint_sent_on")) << "upholding queued the letter about the appeal";
  EXPECT_TRUE(h.replay_matches_state(c->id).ok()) << h.replay_matches_state(c->id).to_string();
}

TEST(PassportInEngine, CompleteApplicationIsProposedForIssueAndIssued) {
  auto created = PluginHarness::create(PLUGIN_PATH, kFees);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  PluginHarness& h = **created;
  auto c = h.open_case({{"full_name", "Jens Hansen"}}, "070761-4285");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_TRUE(h.act(c->id, "register").ok());
  ASSERT_TRUE(h.act(c->id, "complete", {{"height_cm", 182}, {"fee_paid", true}, {"photo_accepted", true}},
                    {"photo", "identity_document"})
                  .ok());
  auto proposed = h.propose_decision(c->id);
  ASSERT_TRUE(proposed.ok()) << proposed.status().to_string();
  EXPECT_EQ(proposed->proposal["outcome"], "granted");
  EXPECT_EQ(proposed->proposal["details"]["fee_kr"], 703);
  auto granted = h.act(c->id, "grant");
  ASSERT_TRUE(granted.ok()) << granted.status().to_string();
  EXPECT_EQ(granted->status, "closed");
  auto history = h.history(c->id);
  ASSERT_TRUE(history.ok());
  EXPECT_TRUE(letter_queued(*history, "decision"));
}

TEST(PassportInEngine, AChildWhoseCprCenturyIsUncertainGivesAgeAndConsent) {
  auto created = PluginHarness::create(PLUGIN_PATH, kFees);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  PluginHarness& h = **created;
  auto c = h.open_case({{"full_name", "Ida Hansen"}}, "010512-4285");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  ASSERT_TRUE(h.act(c->id, "register").ok());
  const json base = {{"height_cm", 150}, {"fee_paid", true}};
  auto no_age = h.act(c->id, "complete", base, {"photo", "identity_document"});
  ASSERT_EQ(no_age.status().code(), ErrorCode::kGuardFailed);
  EXPECT_THAT(no_age.status().message(), HasSubstr("applicant_age: give the applicant's age"));
  json with_age = base;
  with_age["applicant_age"] = 14;
  auto no_consent = h.act(c->id, "complete", with_age, {"photo", "identity_document"});
  ASSERT_EQ(no_consent.status().code(), ErrorCode::kGuardFailed);
  EXPECT_THAT(no_consent.status().message(), HasSubstr("guardian_consent: the applicant is 14"));
  with_age["guardian_consent"] = true;
  with_age["photo_accepted"] = true;
  ASSERT_TRUE(h.act(c->id, "complete", with_age, {"photo", "identity_document"}).ok());
  auto proposed = h.propose_decision(c->id);
  ASSERT_TRUE(proposed.ok()) << proposed.status().to_string();
  EXPECT_EQ(proposed->proposal["details"]["fee_setting"], "fee_child");
  EXPECT_EQ(proposed->proposal["details"]["fee_kr"], 169);
}

TEST(PassportInEngine, FormValidationWithoutACaseNamesEveryProblem) {
  auto created = PluginHarness::create(PLUGIN_PATH);
  ASSERT_TRUE(created.ok()) << created.status().to_string();
  auto declarative = (*created)->validate_form({{"full_name", "X"}, {"height_cm", "tall"}});
  ASSERT_TRUE(declarative.ok());
  EXPECT_THAT(*declarative, Contains("height_cm: must be a whole number"));
  EXPECT_THAT(*declarative, Contains("fee_paid: is required"));
  // Without a case there is no application date: the age must be given.
  auto coded = (*created)->validate_form(
      {{"full_name", "X"}, {"height_cm", 260}, {"fee_paid", true}, {"birth_date", "2015-01-01"}});
  ASSERT_TRUE(coded.ok());
  EXPECT_THAT(*coded, Contains("height_cm: must be from 50 to 250 cm, not 260"));
  EXPECT_THAT(*coded, Contains("applicant_age: give the applicant's age: the application date is not known"));
  EXPECT_THAT(*coded, Not(Contains(HasSubstr("fee_paid"))));
}

}  // namespace
