// The case engine on real databases: the passport workflow from receipt
// through decision and complaint, guards, deadlines, signals and replay.
#include <gtest/gtest.h>

#include "sagsflow/config/builtin_workflows.hpp"
#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {
using nlohmann::json;
using namespace std::chrono;

Date d(int y, unsigned m, unsigned day) { return Date{year{y} / month{m} / std::chrono::day{day}}; }

class CaseEngineTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (not_ready()) return;
    store_ = connect_seeded();
    engine_ = std::make_unique<CaseEngine>(*store_, EngineOptions{DanishCalendar{}, clock_.clock()});
    auto deployed = engine_->deploy_workflow(without_plugin(read_repo_file("workflows/passport.yaml")), "passport.yaml");
    ASSERT_TRUE(deployed.ok()) << deployed.status().to_string();
  }

  CaseState open_passport() {
    OpenCaseRequest req;
    req.municipality = kMunicipality;
    req.workflow_id = "passport";
    req.citizen_cpr = "070761-4285";
    req.fields = {{"full_name", "Jens Hansen"}};
    req.actor = frontdesk();
    auto c = engine_->open_case(req);
    EXPECT_TRUE(c.ok()) << c.status().to_string();
    return c.ok() ? *c : CaseState{};
  }

  Result<CaseState> act(long long id, const std::string& action, const Actor& who, json fields = json::object(),
                        std::vector<Attachment> attachments = {}) {
    ActionRequest r;
    r.case_id = id;
    r.action = action;
    r.actor = who;
    r.fields = std::move(fields);
    r.attachments = std::move(attachments);
    return engine_->act(r);
  }

  // Brings a new case to the decision stage.
  CaseState at_decision() {
    auto c = open_passport();
    EXPECT_TRUE(act(c.id, "register", frontdesk()).ok());
    auto done = act(c.id, "complete", frontdesk(), {{"height_cm", 182}, {"fee_paid", true}},
                    {{"photo", "image/jpeg", ""}, {"identity_document", "", ""}});
    EXPECT_TRUE(done.ok()) << done.status().to_string();
    return done.ok() ? *done : CaseState{};
  }

  ManualClock clock_;
  std::unique_ptr<db::SqlStore> store_;
  std::unique_ptr<CaseEngine> engine_;
};

TEST_P(CaseEngineTest, OpeningACaseGivesAKleNumberAndStartsInTheWorkflowsFirstStage) {
  auto c = open_passport();
  EXPECT_EQ(c.case_number, "23.09.02-G01-1-26");
  EXPECT_EQ(c.stage, "receipt");
  EXPECT_EQ(c.status, CaseStatus::kOpen);
  EXPECT_EQ(c.workflow_version, 1);
  EXPECT_EQ(c.owning_authority, kMunicipality);
  EXPECT_EQ(c.acting_authority, kMunicipality);
  EXPECT_EQ(c.citizen->masked(), "070761-XXXX");
  EXPECT_EQ(c.version, 1);
  auto stored = engine_->get_case(c.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(*stored, c);
}

TEST_P(CaseEngineTest, CaseNumbersRunPerMunicipalityAndYear) {
  seed_municipality(*store_, "0101");
  EXPECT_EQ(open_passport().case_number, "23.09.02-G01-1-26");
  EXPECT_EQ(open_passport().case_number, "23.09.02-G01-2-26");
  OpenCaseRequest other;
  other.municipality = "0101";
  other.workflow_id = "passport";
  other.actor = frontdesk();
  EXPECT_EQ(engine_->open_case(other)->case_number, "23.09.02-G01-1-26");
  other.facet = "A53";
  EXPECT_EQ(engine_->open_case(other)->case_number, "23.09.02-A53-2-26");
  clock_.set(d(2027, 1, 4));
  EXPECT_EQ(open_passport().case_number, "23.09.02-G01-1-27");
  // Unique per municipality: the same number exists once in each.
  EXPECT_TRUE(store_->find_case("0101", "23.09.02-G01-1-26").ok());
  EXPECT_TRUE(store_->find_case(kMunicipality, "23.09.02-G01-1-26").ok());
}

TEST_P(CaseEngineTest, FromReceiptThroughDecisionAndComplaintToTheAppealsBody) {
  auto c = open_passport();
  ASSERT_TRUE(act(c.id, "register", frontdesk()).ok());

  // The check names everything that is missing.
  auto refused = act(c.id, "complete", frontdesk());
  ASSERT_EQ(refused.status().code(), ErrorCode::kGuardFailed);
  EXPECT_NE(refused.status().message().find("missing fields: height_cm, fee_paid"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("missing attachments: photo, identity_document"), std::string::npos);

  // Waiting for the citizen stops the clock; the due date moves when it resumes.
  auto waiting = act(c.id, "request_missing", frontdesk());
  ASSERT_TRUE(waiting.ok());
  EXPECT_EQ(waiting->clock->due, d(2026, 11, 30));
  EXPECT_TRUE(waiting->clock->paused());
  clock_.set(d(2026, 11, 26));  // Thursday: Mon 23 .. Wed 25 stood still = 3 working days
  auto resumed = act(c.id, "missing_received", frontdesk(), {{"height_cm", 182}, {"fee_paid", true}},
                     {{"photo", "image/jpeg", ""}, {"identity_document", "passport", ""}});
  ASSERT_TRUE(resumed.ok()) << resumed.status().to_string();
  EXPECT_FALSE(resumed->clock->paused());
  EXPECT_EQ(resumed->clock->due, d(2026, 12, 3));

  auto at_decision = act(c.id, "complete", frontdesk());
  ASSERT_TRUE(at_decision.ok()) << at_decision.status().to_string();
  EXPECT_EQ(at_decision->stage, "decision");
  EXPECT_EQ(at_decision->clock->due, d(2026, 12, 10));  // 10 working days from Thu 26 Nov

  // A refusal needs reasons; the complaint deadline runs from the decision.
  EXPECT_EQ(act(c.id, "refuse", caseworker()).status().code(), ErrorCode::kGuardFailed);
  auto decided = act(c.id, "refuse", caseworker(), {{"reasons", "Fotoet opfylder ikke kravene"}});
  ASSERT_TRUE(decided.ok());
  EXPECT_EQ(decided->outcome, "refused");
  EXPECT_EQ(*decided->decided_on, d(2026, 11, 26));
  EXPECT_EQ(*decided->complaint_due, d(2026, 12, 24));  // 4 weeks, same weekday
  EXPECT_FALSE(decided->clock);

  clock_.set(d(2026, 12, 10));
  ASSERT_TRUE(act(c.id, "complain", frontdesk()).ok());
  auto upheld = act(c.id, "uphold", caseworker());
  ASSERT_TRUE(upheld.ok());
  EXPECT_EQ(upheld->stage, "appeals");
  auto closed = act(c.id, "appeal_decided", caseworker());
  ASSERT_TRUE(closed.ok());
  EXPECT_EQ(closed->status, CaseStatus::kClosed);
  EXPECT_EQ(act(c.id, "register", caseworker()).status().code(), ErrorCode::kFailedPrecondition);

  // The history reads back in order and replays to exactly the stored case.
  auto history = engine_->history(c.id);
  ASSERT_TRUE(history.ok());
  std::vector<std::string> actions;
  for (const auto& e : *history) actions.push_back(e.action);
  EXPECT_EQ(actions, (std::vector<std::string>{"open", "register", "request_missing", "missing_received",
                                               "complete", "refuse", "complain", "uphold", "appeal_decided"}));
  for (size_t i = 0; i < history->size(); ++i) EXPECT_EQ((*history)[i].seq, static_cast<long long>(i + 1));
  EXPECT_EQ((*history)[6].actor, "frida");
  EXPECT_EQ((*history)[6].unit, "bsc");
  EXPECT_EQ((*history)[6].authority, kMunicipality);
  auto replayed = replay(*history);
  ASSERT_TRUE(replayed.ok());
  EXPECT_EQ(*replayed, *engine_->get_case(c.id));
}

TEST_P(CaseEngineTest, OnlyTheRolesTheWorkflowNamesMayAct) {
  auto c = at_decision();
  auto r = act(c.id, "grant", frontdesk());
  ASSERT_EQ(r.status().code(), ErrorCode::kForbidden);
  EXPECT_NE(r.status().message().find("needs one of the roles caseworker; frida has frontdesk"), std::string::npos)
      << r.status().message();
  auto mine = engine_->available_actions(c.id, frontdesk());
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(mine->empty());
  EXPECT_EQ(engine_->available_actions(c.id, caseworker())->size(), 2u);
}

TEST_P(CaseEngineTest, OnlyTheOwningAuthorityDecides) {
  auto c = at_decision();
  Actor other = caseworker();
  other.authority = "udbetaling-danmark";
  ActionRequest r{c.id, "grant", other, json::object(), {}, std::nullopt, "", false};
  auto refused = engine_->act(r);
  ASSERT_EQ(refused.status().code(), ErrorCode::kForbidden);
  EXPECT_NE(refused.status().message().find("is decided by 0999, not by udbetaling-danmark"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("receive the application and forward it"), std::string::npos);
  EXPECT_EQ(engine_->get_case(c.id)->stage, "decision");
  r.actor = caseworker();
  EXPECT_TRUE(engine_->act(r).ok());
}

TEST_P(CaseEngineTest, UnknownActionNamesTheStageAndItsActions) {
  auto c = open_passport();
  auto r = act(c.id, "grant", caseworker());
  ASSERT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("stage 'receipt' of case 23.09.02-G01-1-26 has no action 'grant'; available: register"),
            std::string::npos)
      << r.status().message();
}

TEST_P(CaseEngineTest, ComplaintAfterTheDeadlineIsRefusedUnlessTheAuthorityHearsIt) {
  auto c = at_decision();
  ASSERT_TRUE(act(c.id, "refuse", caseworker(), {{"reasons", "x"}}).ok());
  clock_.advance(days{29});
  auto late = act(c.id, "complain", frontdesk());
  ASSERT_EQ(late.status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(late.status().message().find("passed on 2026-12-21"), std::string::npos) << late.status().message();
  ActionRequest heard;
  heard.case_id = c.id;
  heard.action = "complain";
  heard.actor = frontdesk();
  heard.accept_late_complaint = true;
  heard.late_reason = "Borgeren har dokumenteret sygdom i klagefristen";
  EXPECT_TRUE(engine_->act(heard).ok());
}

TEST_P(CaseEngineTest, PassedDeadlineIsRecordedOnceAndSignalled) {
  auto c = open_passport();
  ASSERT_TRUE(act(c.id, "register", frontdesk()).ok());  // check: 5 working days, due 30 Nov
  auto paused = open_passport();
  ASSERT_TRUE(act(paused.id, "register", frontdesk()).ok());
  ASSERT_TRUE(act(paused.id, "request_missing", frontdesk()).ok());

  int signalled = 0;
  boost::signals2::scoped_connection conn =
      engine_->events().deadline_passed.connect([&](const CaseState& s) {
        ++signalled;
        EXPECT_EQ(s.id, c.id);
      });
  clock_.set(d(2026, 11, 30));
  EXPECT_EQ(*engine_->check_deadlines(), 1) << "due today is not yet passed, but near";
  EXPECT_EQ(engine_->history(c.id)->back().action, "deadline_near");
  EXPECT_FALSE(engine_->get_case(c.id)->clock->breached);
  EXPECT_EQ(signalled, 0);
  clock_.set(d(2026, 12, 1));
  EXPECT_EQ(*engine_->check_deadlines(), 1) << "the paused case must not be flagged";
  EXPECT_EQ(*engine_->check_deadlines(), 0) << "recorded once";
  EXPECT_EQ(signalled, 1);
  auto state = engine_->get_case(c.id);
  EXPECT_TRUE(state->clock->breached);
  auto history = engine_->history(c.id);
  EXPECT_EQ(history->back().action, "deadline_passed");
  EXPECT_EQ(history->back().actor, "system");
  EXPECT_EQ(*replay(*history), *state);
}

TEST_P(CaseEngineTest, SignalsFireAfterCommitAndAFailingReceiverLosesNothing) {
  std::vector<std::string> seen;
  boost::signals2::scoped_connection a = engine_->events().case_opened.connect(
      [&](const CaseState& s) { seen.push_back("opened " + s.case_number); });
  boost::signals2::scoped_connection b = engine_->events().action_performed.connect(
      [&](const CaseState& s, const CaseEvent& e) {
        // The change is already stored when receivers run.
        EXPECT_EQ(store_->load_case(s.id)->version, e.seq);
        seen.push_back("acted " + e.action);
        throw std::runtime_error("receiver bug");
      });
  auto c = open_passport();
  auto r = act(c.id, "register", frontdesk());
  ASSERT_TRUE(r.ok()) << "a throwing receiver must not fail the committed action";
  EXPECT_EQ(seen, (std::vector<std::string>{"opened 23.09.02-G01-1-26", "acted register"}));
  EXPECT_EQ(engine_->get_case(c.id)->stage, "check");
}

TEST_P(CaseEngineTest, BadInputIsRefusedAndNothingIsStored) {
  OpenCaseRequest req;
  req.municipality = kMunicipality;
  req.workflow_id = "passport";
  req.actor = frontdesk();
  req.citizen_cpr = "310290-1234";
  EXPECT_EQ(engine_->open_case(req).status().code(), ErrorCode::kInvalidArgument);
  req.citizen_cpr.reset();
  req.workflow_id = "nope";
  EXPECT_EQ(engine_->open_case(req).status().code(), ErrorCode::kNotFound);
  req.workflow_id = "passport";
  req.municipality = "0000";
  auto no_municipality = engine_->open_case(req);
  EXPECT_EQ(no_municipality.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(no_municipality.status().message().find("municipality 0000"), std::string::npos);
  EXPECT_TRUE(store_->list_cases({})->empty());
  EXPECT_EQ(engine_->get_case(42).status().code(), ErrorCode::kNotFound);
}

TEST_P(CaseEngineTest, CprWithoutCheckDigitOpensACase) {
  OpenCaseRequest req;
  req.municipality = kMunicipality;
  req.workflow_id = "passport";
  req.actor = frontdesk();
  req.citizen_cpr = "010490-9989";
  auto c = engine_->open_case(req);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_FALSE(c->citizen->mod11_ok());
}

TEST_P(CaseEngineTest, ListFiltersByStageAndStatus) {
  auto a = open_passport();
  auto b = open_passport();
  ASSERT_TRUE(act(b.id, "register", frontdesk()).ok());
  CaseFilter f;
  f.stage = "check";
  auto in_check = store_->list_cases(f);
  ASSERT_TRUE(in_check.ok());
  ASSERT_EQ(in_check->size(), 1u);
  EXPECT_EQ(in_check->front().id, b.id);
  f = {};
  f.status = CaseStatus::kOpen;
  f.municipality = kMunicipality;
  EXPECT_EQ(store_->list_cases(f)->size(), 2u);
  f.status = CaseStatus::kClosed;
  EXPECT_TRUE(store_->list_cases(f)->empty());
}

TEST_P(CaseEngineTest, AskingForWhatIsMissingNamesItAndStopsTheClockUntilItArrives) {
  if (not_ready()) return;
  auto c = open_passport();
  ASSERT_TRUE(act(c.id, "register", frontdesk()).ok());
  auto asked = act(c.id, "request_missing", frontdesk(), {{"height_cm", 182}});
  ASSERT_TRUE(asked.ok()) << asked.status().to_string();
  EXPECT_EQ(asked->missing["fields"], json::array({"fee_paid"})) << "full_name and height_cm are there";
  EXPECT_EQ(asked->missing["attachments"], json::array({"photo", "identity_document"}));
  EXPECT_TRUE(asked->clock->paused());
  auto received = act(c.id, "missing_received", frontdesk(), {{"fee_paid", true}},
                      {{"photo", "image/jpeg", ""}, {"identity_document", "", ""}});
  ASSERT_TRUE(received.ok());
  EXPECT_TRUE(received->missing.is_null());
  EXPECT_FALSE(received->clock->paused());
}

TEST_P(CaseEngineTest, ARefusalCarriesItsReasonsAndWhereHowAndByWhenToComplain) {
  if (not_ready()) return;
  std::string with_appeals = without_plugin(read_repo_file("workflows/passport.yaml"));
  with_appeals.insert(with_appeals.find("stages:"), "appeals_body: Ankestyrelsen\n");
  ASSERT_TRUE(engine_->deploy_workflow(with_appeals, "passport.yaml").ok());
  auto c = at_decision();
  auto refused = act(c.id, "refuse", caseworker(), {{"reasons", "Fotoet er uskarpt"}});
  ASSERT_TRUE(refused.ok()) << refused.status().to_string();
  auto history = engine_->history(c.id);
  const auto& decision = history->back().data["decision"];
  ASSERT_TRUE(decision.contains("complaint_guidance")) << decision.dump();
  EXPECT_EQ(decision["complaint_guidance"]["to"], kMunicipality);
  EXPECT_EQ(decision["complaint_guidance"]["by"], decision["complaint_due"]);
  EXPECT_NE(decision["complaint_guidance"]["then"].get<std::string>().find("Ankestyrelsen"), std::string::npos);

  auto granted = at_decision();
  auto ok = act(granted.id, "grant", caseworker());
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(engine_->history(granted.id)->back().data["decision"].contains("complaint_guidance"))
      << "the citizen got everything asked for";
}

TEST_P(CaseEngineTest, AnAccessRequestIsFiledUnderTheCasesSubjectWithFacetA53AndFlaggedBeforeItsDeadline) {
  if (not_ready()) return;
  for (const auto& b : builtin_workflows()) ASSERT_TRUE(engine_->deploy_workflow(b.yaml, b.file_name).ok());
  clock_.set(d(2026, 11, 23));  // a Monday
  auto c = open_passport();
  auto request = engine_->open_access_request(c.id, caseworker(), "Journalist Jensen", "");
  ASSERT_TRUE(request.ok()) << request.status().to_string();
  EXPECT_EQ(request->subject, "23.09.02");
  EXPECT_EQ(request->facet, "A53");
  EXPECT_EQ(request->case_number.substr(0, 13), "23.09.02-A53-");
  EXPECT_EQ(request->fields["concerns_case"], c.case_number);
  ASSERT_TRUE(act(request->id, "register", caseworker()).ok());
  auto registered = engine_->get_case(request->id);
  EXPECT_EQ(registered->clock->due, d(2026, 12, 2)) << "7 working days";

  clock_.set(d(2026, 11, 27));  // Friday: due in 3 working days, nothing yet
  EXPECT_EQ(*engine_->check_deadlines(), 0);
  clock_.set(d(2026, 11, 30));  // Monday: due within 2 working days
  EXPECT_EQ(*engine_->check_deadlines(), 1);
  EXPECT_TRUE(engine_->get_case(request->id)->clock->warned);
  EXPECT_EQ(engine_->history(request->id)->back().action, "deadline_near");
  EXPECT_EQ(*engine_->check_deadlines(), 0) << "warned once";
  clock_.set(d(2026, 12, 3));
  EXPECT_EQ(*engine_->check_deadlines(), 1);
  EXPECT_TRUE(engine_->get_case(request->id)->clock->breached);
  auto replayed = replay(*engine_->history(request->id));
  EXPECT_EQ(*replayed, *engine_->get_case(request->id));
}

// 100,000 nested objects, built without recursion.
json nested_objects(int levels) {
  json doc = "bottom";
  for (int i = 0; i < levels; ++i) {
    json outer = json::object();
    outer["a"] = std::move(doc);
    doc = std::move(outer);
  }
  return doc;
}

TEST_P(CaseEngineTest, DeepFieldValuesAreRefusedNamingTheFieldAndTheLimitBeforeAnythingIsStored) {
  OpenCaseRequest req;
  req.municipality = kMunicipality;
  req.workflow_id = "passport";
  req.actor = frontdesk();
  req.fields = json::object();
  req.fields["full_name"] = "Jens";
  req.fields["010490-9989"] = nested_objects(100000);
  auto refused = engine_->open_case(req);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("field '010490-XXXX' is nested deeper than 16 levels"), std::string::npos)
      << refused.status().message();
  EXPECT_TRUE(store_->list_cases({})->empty());

  auto c = open_passport();
  json fields = {{"height_cm", nested_objects(17)}};
  auto act_refused = act(c.id, "register", frontdesk(), fields);
  ASSERT_FALSE(act_refused.ok());
  EXPECT_EQ(act_refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(act_refused.status().message().find("field 'height_cm'"), std::string::npos);
  EXPECT_EQ(engine_->get_case(c.id)->version, c.version);
  // Sixteen levels are within the rule.
  EXPECT_TRUE(act(c.id, "register", frontdesk(), {{"height_cm", nested_objects(16)}}).ok());
}

TEST_P(CaseEngineTest, HugeFieldValuesAndBadFieldNamesAreRefused) {
  auto c = open_passport();
  auto big = act(c.id, "register", frontdesk(), {{"full_name", std::string(300 * 1024, 'x')}});
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("holds more than 262144 bytes"), std::string::npos) << big.status().message();
  auto empty_name = act(c.id, "register", frontdesk(), {{"", "x"}});
  ASSERT_FALSE(empty_name.ok());
  EXPECT_EQ(empty_name.status().code(), ErrorCode::kInvalidArgument);
  auto not_object = act(c.id, "register", frontdesk(), json::array({1, 2}));
  EXPECT_EQ(not_object.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine_->get_case(c.id)->version, c.version);
}

TEST_P(CaseEngineTest, TheCaseAsShownMasksCprNumbersInEveryFreeTextAndKey) {
  OpenCaseRequest req;
  req.municipality = kMunicipality;
  req.workflow_id = "passport";
  req.actor = frontdesk();
  req.title = "Pas 010490 9989";
  req.fields = {{"full_name", "Jens 01.04.90-9989"}, {"cpr 0104909989", "x"}};
  auto c = engine_->open_case(req);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  auto done = act(c->id, "register", frontdesk(), json::object(), {{"photo", "foto af 010490/9989", ""}});
  ASSERT_TRUE(done.ok()) << done.status().to_string();
  const std::string shown = to_json(*done, /*reveal_cpr=*/false).dump();
  EXPECT_EQ(shown.find("9989"), std::string::npos) << shown;
  EXPECT_NE(shown.find("cpr 010490-XXXX"), std::string::npos) << shown;
  auto history = engine_->history(c->id);
  ASSERT_TRUE(history.ok());
  for (const auto& e : *history) {
    const std::string event = to_json(e, /*reveal_cpr=*/false).dump();
    EXPECT_EQ(event.find("9989"), std::string::npos) << event;
  }
  // Stored as given: masking is for output only.
  EXPECT_EQ(to_json(*done, /*reveal_cpr=*/true)["fields"]["full_name"], "Jens 01.04.90-9989");
}

INSTANTIATE_TEST_SUITE_P(Backends, CaseEngineTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
