// The rules letters carry, as the engine applies them on both databases:
// deadlines counted from receipt when a case is registered later; complaint
// deadlines from receipt by the delivery channel, rolled past closed days,
// recomputed when delivery knows better; late complaints accepted only by the
// deciding authority with a reason; complaints journalised K02 and K03;
// access-request guidance (offentlighedsloven §37) and extensions (§36);
// blank reasons refused everywhere; party hearings (FVL §19) that pause the
// clock and end on the reply or the reply date; published processing
// deadlines; and the municipality file's calendar, post table and appeals body.
#include <gtest/gtest.h>

#include "example_municipalities.hpp"
#include "sagsflow/config/builtin_workflows.hpp"
#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {
using nlohmann::json;
using namespace std::chrono;

Date d(int y, unsigned m, unsigned day) { return Date{year{y} / month{m} / std::chrono::day{day}}; }

const char* kNbspEmSpace = "\xC2\xA0\xE2\x80\x83";
const char* kZeroWidth = " \xE2\x80\x8B\t";

// A workflow whose refusals can rest on facts the citizen does not know.
constexpr const char* kHeardWorkflow = R"(id: heard
subject: 32.06.16
start: decision
complaint_deadline: {weeks: 4}
appeals_body: Klagenævnet for prøven
hearing_before_refusal: true
stages:
  decision:
    kind: decision
    deadline: {working_days: 10}
    actions:
      grant: {next: closed, decision: true, outcome: granted}
      refuse: {next: closed, decision: true, outcome: refused, requires: {fields: [reasons]}}
)";

class LetterRulesTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (not_ready()) return;
    store_ = connect_seeded();
    engine_ = std::make_unique<CaseEngine>(*store_, EngineOptions{DanishCalendar{}, clock_.clock()});
    std::string passport = without_plugin(read_repo_file("workflows/passport.yaml"));
    passport.insert(passport.find("stages:"), "appeals_body: Klageinstansen for pas\n");
    ASSERT_TRUE(engine_->deploy_workflow(passport, "passport.yaml").ok());
    ASSERT_TRUE(engine_->deploy_workflow(kHeardWorkflow, "heard.yaml").ok());
    for (const auto& b : builtin_workflows()) ASSERT_TRUE(engine_->deploy_workflow(b.yaml, b.file_name).ok());
  }

  Result<CaseState> open(const std::string& workflow, std::optional<Date> received = std::nullopt) {
    OpenCaseRequest req;
    req.municipality = kMunicipality;
    req.workflow_id = workflow;
    req.citizen_cpr = "070761-4285";
    req.fields = {{"full_name", "Jens Hansen"}};
    req.actor = frontdesk();
    req.received_on = received;
    return engine_->open_case(req);
  }

  Result<CaseState> act(long long id, const std::string& action, const Actor& who, json fields = json::object()) {
    ActionRequest r;
    r.case_id = id;
    r.action = action;
    r.actor = who;
    r.fields = std::move(fields);
    return engine_->act(r);
  }

  CaseState passport_at_decision() {
    auto c = open("passport");
    EXPECT_TRUE(c.ok()) << c.status().to_string();
    if (!c.ok()) return {};
    EXPECT_TRUE(act(c->id, "register", frontdesk()).ok());
    ActionRequest done{c->id, "complete", frontdesk()};
    done.fields = {{"height_cm", 182}, {"fee_paid", true}};
    done.attachments = {{"photo", "image/jpeg", ""}, {"identity_document", "", ""}};
    auto r = engine_->act(done);
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? *r : CaseState{};
  }

  json last_event_data(long long id) { return engine_->history(id)->back().data; }

  void expect_replays(long long id) {
    auto replayed = replay(*engine_->history(id));
    ASSERT_TRUE(replayed.ok()) << replayed.status().to_string();
    EXPECT_EQ(*replayed, *engine_->get_case(id));
  }

  ManualClock clock_;
  std::unique_ptr<db::SqlStore> store_;
  std::unique_ptr<CaseEngine> engine_;
};

TEST_P(LetterRulesTest, AnAccessRequestRegisteredAfterChristmasCountsItsSevenWorkingDaysFromReceipt) {
  if (not_ready()) return;
  clock_.set(d(2026, 12, 29));  // registered on Tuesday 29 December ...
  auto concerned = open("passport");
  ASSERT_TRUE(concerned.ok());
  // ... a request received on Thursday 17 December.
  auto request = engine_->open_access_request(concerned->id, caseworker(), "Journalist Jensen", "", d(2026, 12, 17));
  ASSERT_TRUE(request.ok()) << request.status().to_string();
  EXPECT_EQ(request->received_on, d(2026, 12, 17));
  const json opening = engine_->history(request->id)->front().data;
  EXPECT_EQ(opening["received_on"], "2026-12-17");
  // 14 working days after receipt (over Christmas and New Year's Day) the requester may complain (§37).
  EXPECT_EQ(opening["undecided_complaint_from"], "2027-01-08");
  auto registered = act(request->id, "register", caseworker());
  ASSERT_TRUE(registered.ok()) << registered.status().to_string();
  EXPECT_EQ(registered->clock->started, d(2026, 12, 17));
  EXPECT_EQ(registered->clock->due, d(2026, 12, 29)) << "18, 21, 22, 23, 24, 28, 29 December";
  // Due today: the check warns; tomorrow it has passed.
  clock_.set(d(2026, 12, 30));
  EXPECT_EQ(*engine_->check_deadlines(), 1);
  EXPECT_TRUE(engine_->get_case(request->id)->clock->breached);
  expect_replays(request->id);
}

TEST_P(LetterRulesTest, AReceiptDateInTheFutureOrLongAgoIsRefused) {
  if (not_ready()) return;
  clock_.set(d(2026, 12, 29));
  auto future = open("passport", d(2026, 12, 30));
  ASSERT_EQ(future.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(future.status().message().find("received_on 2026-12-30 is after today (2026-12-29)"), std::string::npos)
      << future.status().message();
  EXPECT_EQ(open("passport", d(1999, 12, 31)).status().code(), ErrorCode::kInvalidArgument);
  auto today = open("passport", d(2026, 12, 29));
  ASSERT_TRUE(today.ok());
  EXPECT_EQ(today->received_on, d(2026, 12, 29));
}

TEST_P(LetterRulesTest, TheComplaintDeadlineRunsFromReceiptByTheChannelAndDeliveryCanRecomputeIt) {
  if (not_ready()) return;
  clock_.set(d(2027, 2, 26));  // Friday
  const CaseState c = passport_at_decision();
  ActionRequest refuse{c.id, "refuse", caseworker()};
  refuse.fields = {{"reasons", "Fotoet er uskarpt"}};
  refuse.delivery_channel = DeliveryChannel::kPhysicalPost;
  auto refused = engine_->act(refuse);
  ASSERT_TRUE(refused.ok()) << refused.status().to_string();
  // Posted on a Friday: received Wednesday 3 March; 4 weeks: Wednesday 31 March.
  EXPECT_EQ(refused->complaint_due, d(2027, 3, 31));
  const json decision = last_event_data(c.id)["decision"];
  EXPECT_EQ(decision["complaint_deadline"]["channel"], "physical_post");
  EXPECT_EQ(decision["complaint_deadline"]["received"], "2027-03-03");
  EXPECT_EQ(decision["complaint_guidance"]["by"], "2027-03-31");
  EXPECT_EQ(decision["complaint_guidance"]["appeals_body"], "Klageinstansen for pas");

  // Delivery sent it by Digital Post on Monday 1 March: 4 weeks end on Easter Monday, so Tuesday 30 March.
  auto sent = engine_->record_decision_sent(c.id, Actor::system(kMunicipality), d(2027, 3, 1),
                                            DeliveryChannel::kDigitalPost);
  ASSERT_TRUE(sent.ok()) << sent.status().to_string();
  EXPECT_EQ(sent->complaint_due, d(2027, 3, 30));
  EXPECT_EQ(sent->complaint_deadline["channel"], "digital_post");
  auto before = engine_->record_decision_sent(c.id, Actor::system(kMunicipality), d(2027, 2, 25),
                                              DeliveryChannel::kDigitalPost);
  EXPECT_EQ(before.status().code(), ErrorCode::kFailedPrecondition);
  expect_replays(c.id);
}

TEST_P(LetterRulesTest, AnUnknownDeliveryChannelOnTheCaseIsRefusedByName) {
  if (not_ready()) return;
  const CaseState c = passport_at_decision();
  auto r = act(c.id, "refuse", caseworker(), {{"reasons", "x"}, {"delivery_channel", "carrier_pigeon"}});
  ASSERT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("'delivery_channel' must be 'digital_post' or 'physical_post'"),
            std::string::npos) << r.status().message();
}

TEST_P(LetterRulesTest, OnlyTheDecidingAuthorityAcceptsALateComplaintAndItRecordsWhy) {
  if (not_ready()) return;
  const CaseState c = passport_at_decision();  // Monday 23 November 2026
  ASSERT_TRUE(act(c.id, "refuse", caseworker(), {{"reasons", "Fotoet er uskarpt"}}).ok());
  clock_.set(d(2026, 12, 22));  // the deadline was Monday 21 December
  ActionRequest late{c.id, "complain", frontdesk()};
  late.accept_late_complaint = true;
  auto no_reason = engine_->act(late);
  ASSERT_EQ(no_reason.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(no_reason.status().message().find("late_reason"), std::string::npos) << no_reason.status().message();
  late.late_reason = kNbspEmSpace;
  EXPECT_EQ(engine_->act(late).status().code(), ErrorCode::kInvalidArgument);
  ActionRequest other = late;
  other.actor = Actor{"olga", "bsc", "0101", {"frontdesk"}};
  other.late_reason = "Borgeren var indlagt";
  auto foreign = engine_->act(other);
  ASSERT_EQ(foreign.status().code(), ErrorCode::kForbidden);
  EXPECT_NE(foreign.status().message().find("only 0999, which decided"), std::string::npos)
      << foreign.status().message();
  late.late_reason = "Borgeren var indlagt, da afgørelsen kom";
  auto heard = engine_->act(late);
  ASSERT_TRUE(heard.ok()) << heard.status().to_string();
  const json data = last_event_data(c.id);
  EXPECT_EQ(data["late_complaint"]["deadline"], "2026-12-21");
  EXPECT_EQ(data["late_complaint"]["deadline_passed"], true);
  EXPECT_EQ(data["late_complaint"]["days_late"], 1);
  EXPECT_EQ(data["late_complaint"]["reason"], "Borgeren var indlagt, da afgørelsen kom");
  EXPECT_EQ(data["late_complaint"]["accepted_by"], kMunicipality);
  // A complaint is journalised with facet K02 ...
  EXPECT_EQ(data["journal"]["facet"], "K02");
  EXPECT_EQ(data["journal"]["number"], "23.09.02-K02-1-26");
  // ... and with K03 when it is sent on to the appeals body.
  auto upheld = act(c.id, "uphold", caseworker());
  ASSERT_TRUE(upheld.ok()) << upheld.status().to_string();
  EXPECT_EQ(upheld->journal["facet"], "K03");
  EXPECT_EQ(upheld->journal["appeals_body"], "Klageinstansen for pas");
  expect_replays(c.id);
}

TEST_P(LetterRulesTest, AComplaintInTimeNeedsNoReasonAndRecordsNoLateness) {
  if (not_ready()) return;
  const CaseState c = passport_at_decision();
  ASSERT_TRUE(act(c.id, "refuse", caseworker(), {{"reasons", "x"}}).ok());
  clock_.set(d(2026, 12, 21));  // the last day
  ASSERT_TRUE(act(c.id, "complain", frontdesk()).ok());
  EXPECT_FALSE(last_event_data(c.id).contains("late_complaint"));
  EXPECT_EQ(last_event_data(c.id)["journal"]["facet"], "K02");
}

TEST_P(LetterRulesTest, BlankReasonsAreRefusedEverywhereAReasonIsTaken) {
  if (not_ready()) return;
  const CaseState c = passport_at_decision();
  auto decision = act(c.id, "refuse", caseworker(), {{"reasons", kNbspEmSpace}});
  EXPECT_EQ(decision.status().code(), ErrorCode::kGuardFailed) << decision.status().to_string();
  EXPECT_EQ(engine_->escalate(c.id, caseworker(), kZeroWidth).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine_->draft_decision(c.id, caseworker(), "refused", kNbspEmSpace).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine_->start_hearing(c.id, caseworker(), kZeroWidth, std::nullopt).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(engine_->add_note(c.id, caseworker(), kNbspEmSpace).status().code(), ErrorCode::kInvalidArgument);
  // The access request's extension needs a reason too.
  auto request = engine_->open_access_request(c.id, caseworker(), "Journalist Jensen", "");
  ASSERT_TRUE(request.ok());
  ASSERT_TRUE(act(request->id, "register", caseworker()).ok());
  auto ext = act(request->id, "extend", caseworker(), {{"extension_reason", kZeroWidth}, {"expected_date", "2026-12-14"}});
  EXPECT_EQ(ext.status().code(), ErrorCode::kGuardFailed) << ext.status().to_string();
  EXPECT_EQ(engine_->get_case(c.id)->version, c.version) << "nothing was stored";
}

TEST_P(LetterRulesTest, AnAccessRequestExtensionRecordsTheReasonAndAnExpectedDateAfterToday) {
  if (not_ready()) return;
  const CaseState c = passport_at_decision();
  auto request = engine_->open_access_request(c.id, caseworker(), "Journalist Jensen", "");
  ASSERT_TRUE(act(request->id, "register", caseworker()).ok());
  auto past = act(request->id, "extend", caseworker(), {{"extension_reason", "Sagen er omfattende"},
                                                        {"expected_date", "2026-11-23"}});
  EXPECT_EQ(past.status().code(), ErrorCode::kInvalidArgument) << past.status().to_string();
  auto bad = act(request->id, "extend", caseworker(), {{"extension_reason", "Sagen er omfattende"},
                                                       {"expected_date", "14-12-2026"}});
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument) << bad.status().to_string();
  auto ok = act(request->id, "extend", caseworker(), {{"extension_reason", "Sagen er omfattende"},
                                                      {"expected_date", "2026-12-14"}});
  ASSERT_TRUE(ok.ok()) << ok.status().to_string();
  EXPECT_EQ(ok->extension["reason"], "Sagen er omfattende");
  EXPECT_EQ(ok->extension["expected_date"], "2026-12-14");
  EXPECT_EQ(ok->extension["deadline_was"], "2026-12-02");
  expect_replays(request->id);
}

TEST_P(LetterRulesTest, AnAccessRefusalCarriesTheParagraph37GuidanceWithTheConcernedCasesAppealsBody) {
  if (not_ready()) return;
  const CaseState c = passport_at_decision();
  auto request = engine_->open_access_request(c.id, caseworker(), "Journalist Jensen", "");
  ASSERT_TRUE(act(request->id, "register", caseworker()).ok());
  auto refused = act(request->id, "partly_grant", caseworker(), {{"reasons", "Oplysninger om helbred undtages"}});
  ASSERT_TRUE(refused.ok()) << refused.status().to_string();
  const json g = last_event_data(request->id)["decision"]["complaint_guidance"];
  EXPECT_EQ(g["to"], kMunicipality);
  EXPECT_EQ(g["appeals_body"], "Klageinstansen for pas");
  EXPECT_EQ(g["forward_within"], "7 working days");
  EXPECT_EQ(g["appeals_decides_within"], "20 working days");
  EXPECT_EQ(g["forward_by_if_complained_today"], "2026-12-02");
  EXPECT_NE(g["then"].get<std::string>().find("within 7 working days to Klageinstansen for pas"), std::string::npos)
      << g.dump();
}

TEST_P(LetterRulesTest, AHearingPausesTheClockAndTheRefusalWaitsForTheReply) {
  if (not_ready()) return;
  auto c = open("heard");  // Monday 23 November 2026: 10 working days, due 7 December
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_EQ(c->clock->due, d(2026, 12, 7));
  auto unheard = act(c->id, "refuse", caseworker(), {{"reasons", "Indtægten overstiger grænsen"}});
  ASSERT_EQ(unheard.status().code(), ErrorCode::kGuardFailed);
  EXPECT_NE(unheard.status().message().find("FVL §19"), std::string::npos) << unheard.status().message();
  EXPECT_EQ(engine_->start_hearing(c->id, caseworker(), "Skat oplyser en indtægt på 412.000 kr.", d(2026, 11, 23))
                .status().code(),
            ErrorCode::kInvalidArgument)
      << "the reply date must be after today";

  clock_.set(d(2026, 11, 25));  // Wednesday
  auto heard = engine_->start_hearing(c->id, caseworker(), "Skat oplyser en indtægt på 412.000 kr.", d(2026, 12, 9));
  ASSERT_TRUE(heard.ok()) << heard.status().to_string();
  EXPECT_TRUE(heard->clock->paused());
  EXPECT_EQ(heard->hearing["reply_by"], "2026-12-09");
  EXPECT_EQ(heard->hearing["facts"], "Skat oplyser en indtægt på 412.000 kr.");
  EXPECT_EQ(engine_->start_hearing(c->id, caseworker(), "mere", std::nullopt).status().code(),
            ErrorCode::kFailedPrecondition);
  EXPECT_EQ(act(c->id, "refuse", caseworker(), {{"reasons", "x"}}).status().code(), ErrorCode::kFailedPrecondition);

  clock_.set(d(2026, 12, 2));  // the reply comes a week later: 5 working days stood still
  auto replied = engine_->record_hearing_reply(c->id, caseworker(), "Indtægten var en engangsudbetaling");
  ASSERT_TRUE(replied.ok()) << replied.status().to_string();
  EXPECT_FALSE(replied->clock->paused());
  EXPECT_TRUE(replied->hearing.is_null());
  EXPECT_EQ(replied->clock->due, d(2026, 12, 14));
  EXPECT_EQ(last_event_data(c->id)["hearing_ended"]["by"], "reply");
  EXPECT_EQ(engine_->record_hearing_reply(c->id, caseworker(), "").status().code(), ErrorCode::kFailedPrecondition);
  auto refused = act(c->id, "refuse", caseworker(), {{"reasons", "Indtægten overstiger grænsen"}});
  ASSERT_TRUE(refused.ok()) << refused.status().to_string();
  expect_replays(c->id);
}

TEST_P(LetterRulesTest, TheDeadlineCheckEndsAHearingWhoseReplyDateHasPassed) {
  if (not_ready()) return;
  auto c = open("heard");
  ASSERT_TRUE(c.ok());
  clock_.set(d(2026, 11, 25));
  ASSERT_TRUE(engine_->start_hearing(c->id, caseworker(), "Registeret viser to voksne i husstanden", std::nullopt).ok());
  // Without a reply date: 14 days, 9 December (a Wednesday).
  EXPECT_EQ(engine_->get_case(c->id)->hearing["reply_by"], "2026-12-09");
  clock_.set(d(2026, 12, 9));
  EXPECT_EQ(*engine_->check_deadlines(), 0) << "the citizen may still reply today";
  clock_.set(d(2026, 12, 10));
  EXPECT_EQ(*engine_->check_deadlines(), 1);
  const auto state = *engine_->get_case(c->id);
  EXPECT_TRUE(state.hearing.is_null());
  EXPECT_FALSE(state.clock->paused());
  EXPECT_EQ(last_event_data(c->id)["hearing_ended"]["by"], "deadline");
  // Paused Wednesday 25 November, resumed Thursday 10 December: 11 working days later than 7 December.
  EXPECT_EQ(state.clock->due, d(2026, 12, 22));
  EXPECT_EQ(*engine_->check_deadlines(), 0);
  // A refusal may rest on it now.
  ASSERT_TRUE(act(c->id, "refuse", caseworker(), {{"reasons", "Husstandens indtægt er for høj"}}).ok());
  expect_replays(c->id);
}

TEST_P(LetterRulesTest, AHearingIsNotNeededWhenTheCaseSaysWhy) {
  if (not_ready()) return;
  auto c = open("heard");
  ASSERT_TRUE(c.ok());
  auto blank = act(c->id, "refuse", caseworker(), {{"reasons", "x"}, {"hearing_not_needed", kNbspEmSpace}});
  EXPECT_EQ(blank.status().code(), ErrorCode::kGuardFailed);
  auto r = act(c->id, "refuse", caseworker(),
               {{"reasons", "x"}, {"hearing_not_needed", "Afgørelsen bygger alene på ansøgerens egne oplysninger"}});
  ASSERT_TRUE(r.ok()) << r.status().to_string();
}

TEST_P(LetterRulesTest, ProcessingDeadlinesArePublishedPerMunicipalityAndServiceArea) {
  if (not_ready()) return;
  auto list = engine_->processing_deadlines(kMunicipality);
  ASSERT_TRUE(list.ok()) << list.status().to_string();
  bool check = false, access = false;
  for (const auto& p : *list) {
    EXPECT_EQ(p.municipality, kMunicipality);
    if (p.workflow_id == "passport" && p.stage == "check") {
      check = true;
      EXPECT_EQ(p.service_area, "passports");
      EXPECT_EQ(p.deadline, (DeadlineSpec{5, DeadlineUnit::kWorkingDays, false}));
    }
    if (p.workflow_id == "access_request" && p.stage == "decision") {
      access = true;
      EXPECT_TRUE(p.deadline.from_receipt);
      EXPECT_EQ(p.deadline.amount, 7);
    }
  }
  EXPECT_TRUE(check && access);
  EXPECT_TRUE(engine_->processing_deadlines("0101")->empty());
}

INSTANTIATE_TEST_SUITE_P(Backends, LetterRulesTest, AllBackends());

// The municipality file's calendar, post table and appeals body, through the organisation.
class MunicipalLetterRulesTest : public ExampleMunicipalitiesTest {
 protected:
  void SetUp() override {
    ExampleMunicipalitiesTest::SetUp();
    if (not_ready() || HasFatalFailure()) return;
    MunicipalityConfig m = *org_.find(kSupermarket);
    ASSERT_TRUE(set_closing_day(m.calendar, "christmas_eve"));
    m.post_delivery_days.by_weekday[0] = 4;  // Monday letters arrive on Friday here
    for (auto& a : m.service_areas) {
      if (a.id == "passports") a.appeals_body = "Kommunens klageinstans for pas";
    }
    org_.add(std::move(m));
  }
};

TEST_P(MunicipalLetterRulesTest, TheMunicipalitysClosingDaysPostTableAndAppealsBodyShapeTheGuidance) {
  if (not_ready()) return;
  EXPECT_FALSE(engine_->calendar_for(kSupermarket).is_working_day(d(2027, 12, 24)));
  EXPECT_TRUE(engine_->calendar_for(kCooperation).is_working_day(d(2027, 12, 24)));
  EXPECT_EQ(engine_->post_days_for(kSupermarket).by_weekday[0], 4);
  EXPECT_EQ(engine_->post_days_for(kCooperation).by_weekday[0], 3);
  const Actor bent = person("bent");
  OpenCaseRequest open{kSupermarket, "passport", std::nullopt, "070761-4285", "", json::object(), std::nullopt, bent};
  clock_.set(d(2027, 11, 22));  // Monday
  auto opened = engine_->open_case(open);
  ASSERT_TRUE(opened.ok()) << opened.status().message();
  ASSERT_TRUE(engine_->act({opened->id, "register", bent}).ok());
  ActionRequest complete{opened->id, "complete", bent};
  complete.fields = {{"full_name", "Jens Hansen"}, {"height_cm", 182}, {"fee_paid", true}};
  complete.attachments = {{"photo", "image/jpeg", ""}, {"identity_document", "passport", ""}};
  ASSERT_TRUE(engine_->act(complete).ok());
  ActionRequest refuse{opened->id, "refuse", bent};
  refuse.fields = {{"reasons", "Fotoet er uskarpt"}};
  refuse.delivery_channel = DeliveryChannel::kPhysicalPost;
  auto refused = engine_->act(refuse);
  ASSERT_TRUE(refused.ok()) << refused.status().message();
  // Posted Monday 22 November, received Friday 26 here; 4 weeks end on Friday 24 December, closed here: Monday 27.
  EXPECT_EQ(refused->complaint_due, d(2027, 12, 27));
  json g;  // the refusal's guidance (the passport plugin may write after it)
  const auto history = engine_->history(opened->id);
  ASSERT_TRUE(history.ok());
  for (const auto& e : *history) {
    if (e.action == "refuse") g = e.data["decision"]["complaint_guidance"];
  }
  ASSERT_TRUE(g.is_object());
  EXPECT_EQ(g["appeals_body"], "Kommunens klageinstans for pas");
  EXPECT_NE(g["then"].get<std::string>().find("Kommunens klageinstans for pas"), std::string::npos) << g.dump();
}

INSTANTIATE_TEST_SUITE_P(Backends, MunicipalLetterRulesTest, AllBackends());

}  // namespace
}  // namespace sagsflow::testing
