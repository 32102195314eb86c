// Citizen self-service as the core runs it, on both databases, over the
// example municipalities and the first-party plugins: a move reported online
// opens a case on the digital_self_service channel with the citizen as party
// and counts as one self-service transaction in the channel register; every
// broken rule of the form is reported at once and nothing is stored; drafts;
// missing items the citizen uploads resume the clock; complaints in time go
// into the complaint stage and late ones are filed marked late; withdrawal
// before a decision only; assisted self-service needs consent; exemptions.
#include <gtest/gtest.h>

#include "example_municipalities.hpp"
#include "sagsflow/frontdesk/self_service.hpp"
#include "sagsflow/reports/channel_report.hpp"

namespace sagsflow::testing {
namespace {

using nlohmann::json;

class SelfServiceTest : public ExampleMunicipalitiesTest {
 protected:
  void SetUp() override {
    ExampleMunicipalitiesTest::SetUp();
    if (not_ready()) return;
    self_ = std::make_unique<SelfService>(*engine_, *store_, *store_, org_);
  }

  static Cpr cpr(const char* text) { return *Cpr::parse(text); }

  SelfServiceRequest move(const Cpr& who, json fields) {
    return SelfServiceRequest{kSupermarket, "moving", who, std::move(fields), std::nullopt, false};
  }
  static json good_move() { return {{"new_address", "Nygade 4, 1. th, 9990 Eksempelby"}, {"move_date", "2026-11-30"}}; }

  CaseState submitted(const Cpr& who) {
    auto out = self_->submit(move(who, good_move()));
    EXPECT_TRUE(out.ok()) << out.status().to_string();
    if (!out.ok() || !out->opened) return {};
    EXPECT_TRUE(out->problems.empty());
    return *out->opened;
  }

  // Takes `action` with the first staff member who may.
  Result<CaseState> staff_act(long long id, const std::string& action, json fields = json::object(),
                              std::vector<std::string> ask_attachments = {}, std::vector<std::string> ask_fields = {}) {
    auto who = may_take(id, kSupermarket, {action});
    if (who.empty()) return Forbidden("nobody on 0991's staff may take " + action);
    ActionRequest r;
    r.case_id = id;
    r.action = action;
    r.actor = who.front();
    r.fields = std::move(fields);
    r.ask_attachments = std::move(ask_attachments);
    r.ask_fields = std::move(ask_fields);
    return engine_->act(r);
  }

  CaseState refused(const Cpr& who) {
    CaseState s = submitted(who);
    EXPECT_TRUE(staff_act(s.id, "register").ok());
    auto complete = staff_act(s.id, "complete");
    EXPECT_TRUE(complete.ok()) << complete.status().to_string();
    auto r = staff_act(s.id, "refuse", {{"reasons", "Adressen findes ikke i BBR."}});
    EXPECT_TRUE(r.ok()) << r.status().to_string();
    return r.ok() ? *r : CaseState{};
  }

  std::unique_ptr<SelfService> self_;
};

TEST_P(SelfServiceTest, AMoveReportedOnlineOpensACaseForTheCitizenAndCountsAsOneSelfServiceTransaction) {
  const Cpr who = cpr("070761-4285");
  auto out = self_->submit(move(who, good_move()));
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  ASSERT_TRUE(out->problems.empty());
  ASSERT_TRUE(out->opened && out->receipt);
  const CaseState& s = *out->opened;
  EXPECT_EQ(s.citizen, who);
  EXPECT_EQ(out->receipt->case_number, s.case_number);
  EXPECT_EQ(out->receipt->received_on, Date{std::chrono::year{2026} / 11 / 24});
  EXPECT_NE(out->receipt->processing_deadline.find("arbejdsdag"), std::string::npos) << out->receipt->processing_deadline;
  EXPECT_NE(out->receipt->next_steps.find(s.case_number), std::string::npos);
  auto history = engine_->history(s.id);
  ASSERT_TRUE(history.ok());
  EXPECT_EQ(history->front().actor, kCitizenActorId);
  EXPECT_EQ(history->front().data["intake"]["channel"], "digital_self_service");

  auto inquiry = store_->load_inquiry(out->inquiry_id);
  ASSERT_TRUE(inquiry.ok());
  EXPECT_EQ(inquiry->channel, Channel::kDigitalSelfService);
  EXPECT_EQ(inquiry->type, InquiryType::kTransaction);
  EXPECT_EQ(inquiry->case_id, s.id);
  EXPECT_EQ(inquiry->handled_by, kCitizenActorId);

  auto counts = store_->count_inquiries({kSupermarket, "2026-11-01", "2026-12-01", std::nullopt, std::nullopt});
  ASSERT_TRUE(counts.ok());
  ReportRequest req;
  req.municipality = kSupermarket;
  req.from = "2026-11-01";
  req.to = "2026-12-01";
  const auto report = build_channel_report(req, default_channel_strategy(), *counts, {}, {});
  EXPECT_EQ(report.transactions, 1);
  EXPECT_EQ(report.self_service_transactions, 1);
  EXPECT_DOUBLE_EQ(report.self_service_rate(), 1.0);
}

TEST_P(SelfServiceTest, EveryBrokenRuleOfTheFormIsReportedAtOnceAndNothingIsStored) {
  const Cpr who = cpr("070761-4285");
  auto out = self_->submit(move(who, {{"move_date", "på mandag"}, {"persons_moving", 0}, {"pets", 2},
                                      {"previous_address", 7}}));
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  EXPECT_FALSE(out->opened.has_value());
  std::map<std::string, std::string> by_field;
  for (const auto& p : out->problems) by_field[p.field] = p.message_da;
  EXPECT_EQ(by_field.size(), 5u);
  EXPECT_EQ(by_field["new_address"], "skal udfyldes");
  EXPECT_NE(by_field["move_date"].find("dato"), std::string::npos);
  EXPECT_NE(by_field["persons_moving"].find("mindst 1"), std::string::npos);
  EXPECT_NE(by_field["previous_address"].find("tekst"), std::string::npos);
  EXPECT_TRUE(by_field.contains("pets"));
  auto mine = engine_->cases_of_citizen(who);
  ASSERT_TRUE(mine.ok());
  EXPECT_TRUE(mine->empty());
}

TEST_P(SelfServiceTest, ServicesSayHowTheyAreAppliedForAndAnAttendanceServiceIsNoForm) {
  auto services = self_->services(kSupermarket, std::nullopt);
  ASSERT_TRUE(services.ok()) << services.status().to_string();
  std::map<std::string, ServiceOffer> by_id;
  for (const auto& o : *services) by_id[o.id] = o;
  ASSERT_TRUE(by_id.contains("moving"));
  ASSERT_TRUE(by_id.contains("passport"));
  EXPECT_EQ(by_id["moving"].mode, SelfServiceMode::kForm);
  EXPECT_EQ(by_id["passport"].mode, SelfServiceMode::kAttendance);
  EXPECT_NE(by_id["passport"].why.find("fingeraftryk"), std::string::npos);
  SelfServiceRequest passport{kSupermarket, "passport", cpr("070761-4285"), {{"full_name", "Jens Hansen"}}, std::nullopt, false};
  auto refused = self_->submit(passport);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kForbidden);
  auto unknown = self_->form(kSupermarket, "dragon_licence");
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
}

TEST_P(SelfServiceTest, ADraftIsSavedResumedAndDeletedWhenTheApplicationIsSubmitted) {
  const Cpr who = cpr("070761-4285");
  auto saved = self_->save_draft(kSupermarket, who, "moving", {{"new_address", "Nygade 4"}});
  ASSERT_TRUE(saved.ok()) << saved.status().to_string();
  auto again = self_->draft(kSupermarket, who, "moving");
  ASSERT_TRUE(again.ok() && again->has_value());
  EXPECT_EQ((*again)->fields["new_address"], "Nygade 4");
  EXPECT_FALSE(self_->draft(kSupermarket, cpr("010490-9989"), "moving")->has_value());  // another citizen's: none
  const json huge = {{"new_address", std::string(kDraftBytesLimit, 'x')}};
  EXPECT_EQ(self_->save_draft(kSupermarket, who, "moving", huge).status().code(), ErrorCode::kInvalidArgument);
  submitted(who);
  EXPECT_FALSE(self_->draft(kSupermarket, who, "moving")->has_value());
  ASSERT_TRUE(self_->save_draft(kSupermarket, who, "moving", {{"move_date", "2026-12-01"}}).ok());
  EXPECT_TRUE(*self_->delete_draft(kSupermarket, who, "moving"));
  EXPECT_FALSE(*self_->delete_draft(kSupermarket, who, "moving"));
}

TEST_P(SelfServiceTest, ALeaseTheCaseworkerAsksForAndTheCitizenUploadsResumesThePausedClock) {
  const Cpr who = cpr("070761-4285");
  CaseState s = submitted(who);
  ASSERT_TRUE(staff_act(s.id, "register").ok());
  EXPECT_EQ(staff_act(s.id, "request_missing", json::object(), {"dragon_egg"}).status().code(),
            ErrorCode::kInvalidArgument);
  auto asked = staff_act(s.id, "request_missing", json::object(), {"lease"});
  ASSERT_TRUE(asked.ok()) << asked.status().to_string();
  ASSERT_TRUE(asked->clock && asked->clock->paused());
  EXPECT_EQ(asked->missing["attachments"], json::array({"lease"}));
  auto may = engine_->citizen_may(*asked);
  ASSERT_TRUE(may.ok());
  EXPECT_TRUE(may->upload && may->missing_answered && may->withdraw);
  clock_.advance(std::chrono::days(2));
  auto other = engine_->citizen_document_added(s.id, cpr("010490-9989"), {{"id", 1}, {"media_type", "application/pdf"}},
                                               "lease");
  EXPECT_EQ(other.status().code(), ErrorCode::kNotFound);
  auto up = engine_->citizen_document_added(s.id, who, {{"id", 1}, {"media_type", "application/pdf"}}, "lease");
  ASSERT_TRUE(up.ok()) << up.status().to_string();
  EXPECT_TRUE(up->missing.is_null());
  ASSERT_TRUE(up->clock);
  EXPECT_FALSE(up->clock->paused());
  EXPECT_GT(up->clock->due, asked->clock->due);  // the two paused days are added
  EXPECT_TRUE(up->has_attachment("lease"));
  auto history = engine_->history(s.id);
  EXPECT_EQ(history->back().actor, kCitizenActorId);
  EXPECT_EQ(history->back().data["missing_answered"]["by"], "upload");
}

TEST_P(SelfServiceTest, WithAFieldAlsoMissingTheClockWaitsUntilTheCitizenSaysThatIsAll) {
  const Cpr who = cpr("070761-4285");
  CaseState s = submitted(who);
  ASSERT_TRUE(staff_act(s.id, "register").ok());
  ASSERT_TRUE(staff_act(s.id, "request_missing", json::object(), {"lease"}, {"previous_address"}).ok());
  auto up = engine_->citizen_document_added(s.id, who, {{"id", 1}, {"media_type", "application/pdf"}}, "lease");
  ASSERT_TRUE(up.ok());
  EXPECT_FALSE(up->missing.is_null());
  EXPECT_TRUE(up->clock->paused());
  auto answered = engine_->citizen_missing_answered(s.id, who);
  ASSERT_TRUE(answered.ok()) << answered.status().to_string();
  EXPECT_TRUE(answered->missing.is_null());
  EXPECT_FALSE(answered->clock->paused());
  EXPECT_EQ(engine_->citizen_missing_answered(s.id, who).status().code(), ErrorCode::kFailedPrecondition);
}

TEST_P(SelfServiceTest, AComplaintInTimeGoesIntoTheComplaintStageAndALateOneIsFiledMarkedLate) {
  const Cpr who = cpr("070761-4285");
  CaseState in_time = refused(who);
  ASSERT_EQ(in_time.stage, "complaint_window");
  auto may = engine_->citizen_may(in_time);
  ASSERT_TRUE(may.ok());
  EXPECT_TRUE(may->complain);
  EXPECT_FALSE(may->complaint_late);
  EXPECT_FALSE(may->withdraw);
  EXPECT_EQ(engine_->citizen_withdraw(in_time.id, who, "").status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(engine_->citizen_complaint(in_time.id, who, "  ").status().code(), ErrorCode::kInvalidArgument);
  auto filed = engine_->citizen_complaint(in_time.id, who, "Adressen findes: se vedlagte skøde.");
  ASSERT_TRUE(filed.ok()) << filed.status().to_string();
  EXPECT_FALSE(filed->late);
  EXPECT_EQ(filed->state.stage, "reconsideration");
  EXPECT_EQ(filed->state.journal.value("facet", ""), "K02");
  EXPECT_EQ(engine_->citizen_complaint(in_time.id, who, "igen").status().code(), ErrorCode::kFailedPrecondition);

  CaseState late = refused(cpr("010490-9989"));
  clock_.advance(std::chrono::weeks(8));
  auto may_late = engine_->citizen_may(late);
  EXPECT_TRUE(may_late->complain && may_late->complaint_late);
  auto filed_late = engine_->citizen_complaint(late.id, cpr("010490-9989"), "Jeg var indlagt og kunne ikke klage.");
  ASSERT_TRUE(filed_late.ok()) << filed_late.status().to_string();
  EXPECT_TRUE(filed_late->late);
  EXPECT_EQ(filed_late->state.stage, "complaint_window");  // the authority decides whether to hear it
  EXPECT_TRUE(filed_late->state.complaint.value("late", false));
  EXPECT_EQ(engine_->history(late.id)->back().action, "complaint_received");
  // The authority hears it after all: the existing late-complaint rule.
  auto who_decides = may_take(late.id, kSupermarket, {"complain"});
  ASSERT_FALSE(who_decides.empty());
  ActionRequest hear{late.id, "complain", who_decides.front()};
  hear.accept_late_complaint = true;
  hear.late_reason = "Borgeren var indlagt";
  auto heard = engine_->act(hear);
  ASSERT_TRUE(heard.ok()) << heard.status().to_string();
  EXPECT_EQ(heard->stage, "reconsideration");
}

TEST_P(SelfServiceTest, AnApplicationIsWithdrawnBeforeADecisionAndTheWithdrawalIsInTheHistory) {
  const Cpr who = cpr("070761-4285");
  CaseState s = submitted(who);
  EXPECT_EQ(engine_->citizen_withdraw(s.id, cpr("010490-9989"), "").status().code(), ErrorCode::kNotFound);
  auto w = engine_->citizen_withdraw(s.id, who, "Jeg flytter alligevel ikke.");
  ASSERT_TRUE(w.ok()) << w.status().to_string();
  EXPECT_EQ(w->status, CaseStatus::kClosed);
  EXPECT_FALSE(w->withdrawn.is_null());
  EXPECT_EQ(engine_->history(s.id)->back().action, "withdrawn");
  EXPECT_EQ(engine_->citizen_withdraw(s.id, who, "").status().code(), ErrorCode::kFailedPrecondition);
  EXPECT_FALSE(engine_->citizen_may(*w)->upload);
}

TEST_P(SelfServiceTest, AHearingReplyFromTheCitizenEndsTheHearing) {
  const Cpr who = cpr("070761-4285");
  CaseState s = submitted(who);
  EXPECT_EQ(engine_->citizen_hearing_reply(s.id, who, "ok").status().code(), ErrorCode::kFailedPrecondition);
  auto staff = may_take(s.id, kSupermarket, {"register"});
  ASSERT_FALSE(staff.empty());
  ASSERT_TRUE(engine_->start_hearing(s.id, staff.front(), "BBR viser ingen bolig på adressen.", std::nullopt).ok());
  auto reply = engine_->citizen_hearing_reply(s.id, who, "Huset er nybygget; se skødet.");
  ASSERT_TRUE(reply.ok()) << reply.status().to_string();
  EXPECT_TRUE(reply->hearing.is_null());
  EXPECT_EQ(engine_->history(s.id)->back().data["hearing_ended"]["reply"], "Huset er nybygget; se skødet.");
}

TEST_P(SelfServiceTest, AssistedSelfServiceNeedsConsentAndIsCountedAsAssisted) {
  const Actor desk = front_desk(kSupermarket);
  SelfServiceRequest req = move(cpr("070761-4285"), good_move());
  req.assisted_by = desk;
  auto refused = self_->submit(req);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(refused.status().message().find("consent"), std::string::npos);
  req.consent = true;
  auto out = self_->submit(req);
  ASSERT_TRUE(out.ok()) << out.status().to_string();
  ASSERT_TRUE(out->opened.has_value());
  auto inquiry = store_->load_inquiry(out->inquiry_id);
  EXPECT_EQ(inquiry->channel, Channel::kAssistedSelfService);
  EXPECT_EQ(inquiry->handled_by, desk.id);
  auto history = engine_->history(out->opened->id);
  EXPECT_EQ(history->front().data["intake"]["consent"], true);
  EXPECT_EQ(history->front().data["intake"]["channel"], "assisted_self_service");
  auto counts = store_->count_inquiries({kSupermarket, "2026-11-01", "2026-12-01", std::nullopt, std::nullopt});
  ReportRequest rr;
  rr.municipality = kSupermarket;
  rr.from = "2026-11-01";
  rr.to = "2026-12-01";
  const auto report = build_channel_report(rr, default_channel_strategy(), *counts, {}, {});
  EXPECT_EQ(report.transactions, 1);
  EXPECT_EQ(report.self_service_transactions, 0);
  EXPECT_EQ(report.by_channel.at(Channel::kAssistedSelfService), 1);
}

TEST_P(SelfServiceTest, AnExemptCitizenIsToldTheyMayUsePaperAndIsServedOnPaper) {
  const Cpr who = cpr("070761-4285");
  const Actor desk = front_desk(kSupermarket);
  EXPECT_FALSE(*store_->served_on_paper(who));
  EXPECT_EQ(self_->exempt(desk, kSupermarket, who, " ").status().code(), ErrorCode::kInvalidArgument);
  auto e = self_->exempt(desk, kSupermarket, who, "Ansøgning: ingen adgang til computer (070761-4285)");
  ASSERT_TRUE(e.ok()) << e.status().to_string();
  EXPECT_EQ(e->reason.find("070761-4285"), std::string::npos);  // masked
  EXPECT_TRUE(*store_->served_on_paper(who));
  auto services = self_->services(kSupermarket, who);
  ASSERT_TRUE(services.ok());
  for (const auto& o : *services) EXPECT_NE(o.why.find("papir"), std::string::npos) << o.id;
  EXPECT_TRUE(self_->exemption(desk, kSupermarket, who)->has_value());
  EXPECT_TRUE(*self_->unexempt(desk, kSupermarket, who));
  EXPECT_FALSE(*store_->served_on_paper(who));
  Actor stranger{"mallory", "bsc", kSupermarket, {"frontdesk"}};
  EXPECT_FALSE(self_->exempt(stranger, kSupermarket, who, "x").ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, SelfServiceTest, AllBackends(), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sagsflow::testing
