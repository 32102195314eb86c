// The organisation rules as the engine and the front desk apply them, on the
// five example municipalities in one database (several municipalities in one
// installation): isolation and agreements, draft decisions, booths of other
// authorities, forwarding, letters, escalation, notices and problem reports,
// and triage against legal deadlines.
#include <gtest/gtest.h>

#include "example_municipalities.hpp"
#include "sagsflow/frontdesk/life_situation_desk.hpp"

namespace sagsflow::testing {
namespace {
using nlohmann::json;

class OrganisationRulesTest : public ExampleMunicipalitiesTest {
 protected:
  // A passport case of `code` opened and checked by `receiver`, now in the decision stage.
  CaseState passport_at_decision(const std::string& code, const Actor& receiver) {
    OpenCaseRequest open{code, "passport", std::nullopt, "070761-4285", "", json::object(), std::nullopt, receiver};
    auto opened = engine_->open_case(open);
    EXPECT_TRUE(opened.ok()) << opened.status().message();
    if (!opened.ok()) return {};
    const long long id = opened->id;
    EXPECT_TRUE(engine_->act({id, "register", receiver}).ok());
    ActionRequest complete{id, "complete", receiver};
    complete.fields = {{"full_name", "Jens Hansen"}, {"height_cm", 182}, {"fee_paid", true}};
    complete.attachments = {{"photo", "image/jpeg", ""}, {"identity_document", "passport", ""}};
    auto done = engine_->act(complete);
    EXPECT_TRUE(done.ok()) << done.status().message();
    return done.ok() ? *done : CaseState{};
  }
};

TEST_P(OrganisationRulesTest, AnotherMunicipalitysCaseIsInvisibleUnlessAnAgreementCoversIt) {
  if (not_ready()) return;
  const CaseState c = passport_at_decision(kSupermarket, person("bent"));
  ASSERT_EQ(c.stage, "decision");

  // 0993 has no agreement with 0991: nothing of the case is visible.
  const Actor stranger = person("peter");
  auto seen = engine_->get_case_for(c.id, stranger, {"test", "test"});
  ASSERT_FALSE(seen.ok());
  EXPECT_EQ(seen.status().code(), ErrorCode::kForbidden);
  EXPECT_NE(seen.status().message().find("belongs to Supermarked Kommune"), std::string::npos)
      << seen.status().message();
  auto listed = engine_->list_cases_for(CaseFilter{}, stranger, {kReadCaseList, "test"});
  ASSERT_TRUE(listed.ok());
  for (const auto& s : *listed) EXPECT_NE(s.municipality, kSupermarket);
  EXPECT_EQ(engine_->add_note(c.id, stranger, "hello").status().code(), ErrorCode::kForbidden);

  // 0992 handles passports for 0991: it sees the case, may not decide, may draft.
  const Actor partner = person("jonas");
  ASSERT_TRUE(engine_->get_case_for(c.id, partner, {"test", "test"}).ok());
  ActionRequest grant{c.id, "grant", partner};
  auto refused = engine_->act(grant);
  ASSERT_EQ(refused.status().code(), ErrorCode::kForbidden);
  EXPECT_NE(refused.status().message().find("is decided by Supermarked Kommune"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("draft a decision"), std::string::npos) << refused.status().message();
  auto drafted = engine_->draft_decision(c.id, partner, "granted", "Alle betingelser er opfyldt");
  ASSERT_TRUE(drafted.ok()) << drafted.status().message();
  EXPECT_EQ(drafted->draft["by_authority"], kCooperation);
  EXPECT_EQ(drafted->draft["for_authority"], kSupermarket);
  EXPECT_EQ(drafted->stage, "decision") << "the draft waits for the deciding municipality";

  // The owning municipality decides; the draft is then done with.
  auto decided = engine_->act({c.id, "grant", person("bent")});
  ASSERT_TRUE(decided.ok()) << decided.status().message();
  EXPECT_TRUE(decided->draft.is_null());

  // The agreement covers passports only: a move in 0991 stays hidden from 0992.
  OpenCaseRequest move{kSupermarket, "moving", std::nullopt, std::nullopt, "", json::object(), std::nullopt,
                       person("anna")};
  auto moving = engine_->open_case(move);
  ASSERT_TRUE(moving.ok()) << moving.status().message();
  EXPECT_EQ(engine_->get_case_for(moving->id, partner, {"test", "test"}).status().code(), ErrorCode::kForbidden);
  // ... and its own staff cannot draft: they decide themselves.
  EXPECT_EQ(engine_->draft_decision(c.id, person("bent"), "granted", "x").status().code(),
            ErrorCode::kFailedPrecondition);
}

TEST_P(OrganisationRulesTest, BoothStaffOfAnotherAuthorityAndTheCentreDoNotSeeEachOthersCases) {
  if (not_ready()) return;
  const Actor booth = person("freja");  // Skattestyrelsen's own staff in Hybrid Kommune's booth
  ASSERT_EQ(booth.authority, "skattestyrelsen");
  const Actor centre = front_desk(kHybrid);

  // A tax case the booth itself receives belongs to Skattestyrelsen: the centre does not see it.
  OpenCaseRequest at_booth{kHybrid, "tax_help", std::nullopt, "070761-4285", "", json::object(), std::nullopt, booth};
  auto own = engine_->open_case(at_booth);
  ASSERT_TRUE(own.ok()) << own.status().message();
  EXPECT_EQ(own->received_by, "skattestyrelsen");
  auto hidden = engine_->get_case_for(own->id, centre, {"test", "test"});
  ASSERT_EQ(hidden.status().code(), ErrorCode::kForbidden);
  EXPECT_NE(hidden.status().message().find("not the premises"), std::string::npos) << hidden.status().message();

  // The municipality's own passport case is not the booth's business.
  const CaseState passport = passport_at_decision(kHybrid, person("aksel"));
  auto not_theirs = engine_->get_case_for(passport.id, booth, {"test", "test"});
  ASSERT_EQ(not_theirs.status().code(), ErrorCode::kForbidden);
  EXPECT_NE(not_theirs.status().message().find("booth of Skattestyrelsen"), std::string::npos);

  // A tax inquiry the centre received and forwards: both see it (docs/legal.md#permitted-services: receive and forward).
  OpenCaseRequest at_centre{kHybrid, "tax_help", std::nullopt, std::nullopt, "", json::object(), std::nullopt, centre};
  auto received = engine_->open_case(at_centre);
  ASSERT_TRUE(received.ok()) << received.status().message();
  EXPECT_TRUE(engine_->get_case_for(received->id, booth, {"test", "test"}).ok());
  EXPECT_TRUE(engine_->get_case_for(received->id, centre, {"test", "test"}).ok());

  // Claiming another authority than one's unit acts for is refused.
  Actor pretender = centre;
  pretender.authority = "skattestyrelsen";
  auto claimed = engine_->get_case_for(own->id, pretender, {"test", "test"});
  ASSERT_EQ(claimed.status().code(), ErrorCode::kForbidden);
  EXPECT_NE(claimed.status().message().find("access follows the authority and the unit"), std::string::npos);
}

TEST_P(OrganisationRulesTest, AWrittenInquiryForAnotherAuthorityIsForwardedWithDateAndReceiver) {
  if (not_ready()) return;
  InquiryRequest letter;
  letter.municipality = kCooperation;
  letter.channel = Channel::kLetter;
  letter.type = InquiryType::kTransaction;
  letter.area = "tax_help";
  letter.service = Service::kReceiveAndForward;
  letter.citizen_cpr = "070761-4285";
  letter.with_form = true;
  letter.actor = front_desk(kCooperation);
  auto registered = desk_->register_inquiry(letter);
  ASSERT_TRUE(registered.ok()) << registered.status().message();
  EXPECT_EQ(registered->record.acting_authority, kCooperation);
  EXPECT_EQ(registered->record.owning_authority, "skattestyrelsen");
  EXPECT_EQ(registered->record.forwarded_to, "skattestyrelsen");
  EXPECT_EQ(registered->record.forwarded_on, "2026-11-24");
  auto stored = store_->load_inquiry(registered->record.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->forwarded_to, "skattestyrelsen");
  EXPECT_EQ(stored->citizen->masked(), "070761-XXXX");
  EXPECT_EQ(desk_->forward(stored->id, letter.actor, "").status().code(), ErrorCode::kFailedPrecondition)
      << "forwarded once";

  // A phone call about the same is not forwarded by itself, but can be.
  letter.channel = Channel::kPhone;
  letter.service = Service::kGeneralGuidance;
  auto call = desk_->register_inquiry(letter);
  ASSERT_TRUE(call.ok());
  EXPECT_TRUE(call->record.forwarded_to.empty());
  auto forwarded = desk_->forward(call->record.id, letter.actor, "");
  ASSERT_TRUE(forwarded.ok()) << forwarded.status().message();
  EXPECT_EQ(forwarded->forwarded_to, "skattestyrelsen");

  // A case for another authority records the forwarding in its history.
  OpenCaseRequest open{kCooperation, "tax_help", std::nullopt, std::nullopt, "", json::object(), std::nullopt,
                       letter.actor};
  auto c = engine_->open_case(open);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(engine_->act({c->id, "register", letter.actor}).ok());
  ActionRequest forward{c->id, "forward", letter.actor};
  forward.fields = {{"topic", "annual_statement"}};  // the tax-help plugin's form
  auto sent = engine_->act(forward);
  ASSERT_TRUE(sent.ok()) << sent.status().message();
  EXPECT_EQ(sent->forwarded["to"], "skattestyrelsen");
  EXPECT_EQ(sent->forwarded["name"], "Skattestyrelsen");
  EXPECT_EQ(sent->forwarded["on"], "2026-11-24");
  auto history = engine_->history(c->id);
  ASSERT_TRUE(history.ok());
  for (const auto& e : *history) {
    if (e.action == "forward") EXPECT_EQ(e.data["forwarded"]["to"], "skattestyrelsen");
    EXPECT_EQ(e.authority, kCooperation) << e.action << ": every event names the acting authority";
  }
}

TEST_P(OrganisationRulesTest, ARefusedServiceIsNotRegisteredAndSaysWhatMayBeDoneInstead) {
  if (not_ready()) return;
  InquiryRequest q;
  q.municipality = kSupermarket;
  q.area = "housing_support";
  q.service = Service::kConcreteGuidance;
  q.actor = front_desk(kSupermarket);
  auto refused = desk_->register_inquiry(q);
  ASSERT_EQ(refused.status().code(), ErrorCode::kForbidden);
  const auto& msg = refused.status().message();
  EXPECT_NE(msg.find("decided by Udbetaling Danmark"), std::string::npos) << msg;
  EXPECT_NE(msg.find("receive_and_forward"), std::string::npos) << msg;
  EXPECT_NE(msg.find("70 12 80 63"), std::string::npos) << "how to reach the authority: " << msg;

  q.area = "employment";
  q.service = Service::kEmploymentGuidance;
  auto employment = desk_->register_inquiry(q);
  ASSERT_EQ(employment.status().code(), ErrorCode::kForbidden);
  EXPECT_NE(employment.status().message().find("job centre"), std::string::npos);
  q.actor = person(org_.find(kSupermarket)->staff.back().id);
  for (const auto& s : org_.find(kSupermarket)->staff) {
    if (org_.find(kSupermarket)->unit(s.unit)->kind == UnitKind::kJobCentre) q.actor = person(s.id);
  }
  EXPECT_TRUE(desk_->register_inquiry(q).ok()) << "the job centre gives employment guidance";

  auto list = desk_->inquiries(front_desk(kSupermarket), InquiryFilter{std::string(kSupermarket)}, *engine_,
                               {kReadInquiries, "test"});
  ASSERT_TRUE(list.ok());
  for (const auto& r : *list) EXPECT_NE(r.service, "concrete_guidance") << "refusals are not stored";
}

TEST_P(OrganisationRulesTest, LettersNameTheActingAuthorityAndOnWhoseBehalf) {
  if (not_ready()) return;
  const CaseState c = passport_at_decision(kSupermarket, person("bent"));
  auto own = engine_->send_letter(c.id, person("bent"), "Kvittering", "Vi har modtaget din ansøgning");
  ASSERT_TRUE(own.ok()) << own.status().message();
  auto history = engine_->history(c.id);
  EXPECT_EQ(history->back().data["letter"]["from_name"], "Supermarked Kommune");
  EXPECT_FALSE(history->back().data["letter"].contains("on_behalf_of"));

  auto partner = engine_->send_letter(c.id, person("jonas"), "Partshøring", "Vi behandler din sag for din kommune");
  ASSERT_TRUE(partner.ok()) << partner.status().message();
  history = engine_->history(c.id);
  EXPECT_EQ(history->back().data["letter"]["from_name"], "Samarbejde Kommune");
  EXPECT_EQ(history->back().data["letter"]["on_behalf_of"], "Supermarked Kommune");
  EXPECT_EQ(history->back().data["letter"]["decided_by"], "Supermarked Kommune");
}

TEST_P(OrganisationRulesTest, TheCustomerLineEscalatesAndTheSpecialistGroupTakesOver) {
  if (not_ready()) return;
  // Cooperation: the centre's customer line checks passports under the department's rules.
  const Actor line = front_desk(kCooperation);
  OpenCaseRequest open{kCooperation, "passport", std::nullopt, std::nullopt, "", json::object(), std::nullopt, line};
  auto c = engine_->open_case(open);
  ASSERT_TRUE(c.ok()) << c.status().message();
  ASSERT_TRUE(engine_->act({c->id, "register", line}).ok());
  auto escalated = engine_->escalate(c->id, line, "Tvivl om identiteten");
  ASSERT_TRUE(escalated.ok()) << escalated.status().message();
  EXPECT_EQ(escalated->escalation["area"], "passports");
  auto queue = engine_->queue_of(*escalated);
  ASSERT_TRUE(queue.ok());
  EXPECT_EQ(queue->kind, "specialist_group");

  auto blocked = engine_->act({c->id, "request_missing", line});
  ASSERT_EQ(blocked.status().code(), ErrorCode::kForbidden);
  EXPECT_NE(blocked.status().message().find("escalated to the specialist group"), std::string::npos);
  EXPECT_TRUE(engine_->act({c->id, "request_missing", person("jonas")}).ok()) << "the specialist takes over";
  EXPECT_EQ(engine_->escalate(c->id, line, "igen").status().code(), ErrorCode::kFailedPrecondition);

  // The expert group's notice reaches the line; the line's problem report reaches the experts.
  EXPECT_EQ(desk_->issue_notice(line, kCooperation, "passports", "Ny regel", "x").status().code(),
            ErrorCode::kForbidden);
  auto notice = desk_->issue_notice(person("mette"), kCooperation, "passports", "Nye fotokrav fra 1. januar",
                                    "Pasfotos skal fremover tages i Borgerservice.");
  ASSERT_TRUE(notice.ok()) << notice.status().message();
  auto for_line = desk_->messages_for(line, kCooperation);
  ASSERT_TRUE(for_line.ok());
  ASSERT_EQ(for_line->size(), 1u);
  EXPECT_EQ(for_line->front().title, "Nye fotokrav fra 1. januar");
  auto problem = desk_->report_problem(line, kCooperation, "passports", "Borgere forstår ikke fotokravene", c->id);
  ASSERT_TRUE(problem.ok()) << problem.status().message();
  auto for_expert = desk_->messages_for(person("mette"), kCooperation);
  ASSERT_TRUE(for_expert.ok());
  EXPECT_EQ(for_expert->size(), 2u);
  auto for_other_area = desk_->messages_for(person("lars"), kCooperation);
  ASSERT_TRUE(for_other_area.ok());
  EXPECT_EQ(for_other_area->size(), 1u) << "a housing specialist sees the notice, not the passport problem";
}

TEST_P(OrganisationRulesTest, TriageNeverTradesALegalDeadlineForABoothAppointment) {
  if (not_ready()) return;
  // Full market square: Skattestyrelsen's booth is staffed on Wednesdays; today is Tuesday.
  InquiryRequest q;
  q.municipality = kFull;
  q.area = "tax_help";
  q.service = Service::kReceiveAndForward;
  q.actor = front_desk(kFull);
  auto later = desk_->register_inquiry(q);
  ASSERT_TRUE(later.ok()) << later.status().message();
  ASSERT_TRUE(later->triage.has_value());
  EXPECT_EQ(later->triage->offer, "appointment");
  EXPECT_EQ(format_date(*later->triage->on), "2026-11-25");
  EXPECT_EQ(later->record.routed_to, "skat-bod");

  q.deadline = *parse_date("2026-11-24");  // a complaint deadline that ends today
  auto urgent = desk_->register_inquiry(q);
  ASSERT_TRUE(urgent.ok());
  EXPECT_EQ(urgent->triage->offer, "receive_now");
  EXPECT_NE(urgent->triage->message.find("deadline"), std::string::npos) << urgent->triage->message;

  // Models with a centre chief have no triage desk.
  q.municipality = kCooperation;
  q.actor = front_desk(kCooperation);
  auto direct = desk_->register_inquiry(q);
  ASSERT_TRUE(direct.ok());
  EXPECT_FALSE(direct->triage.has_value());
}

TEST_P(OrganisationRulesTest, AMunicipalityMayUseItsOwnVersionOfASharedWorkflow) {
  if (not_ready()) return;
  std::string local = read_repo_file("workflows/passport.yaml");
  local.replace(local.find("id: passport"), std::string("id: passport").size(), "id: passport_local");
  ASSERT_TRUE(engine_->deploy_workflow(local, "passport_local.yaml").ok());
  org_.add_workflow(*parse_workflow(local, "passport_local.yaml").definition);
  MunicipalityConfig limited = *org_.find(kLimited);
  for (auto& area : limited.service_areas) {
    if (area.id == "passports") area.workflow = "passport_local";
  }
  org_.add(std::move(limited));

  OpenCaseRequest open{kLimited, "passport", std::nullopt, std::nullopt, "", json::object(), std::nullopt,
                       person("peter")};
  auto own = engine_->open_case(open);
  ASSERT_TRUE(own.ok()) << own.status().message();
  EXPECT_EQ(own->workflow_id, "passport_local");
  open.municipality = kSupermarket;
  open.actor = person("bent");
  auto shared = engine_->open_case(open);
  ASSERT_TRUE(shared.ok()) << shared.status().message();
  EXPECT_EQ(shared->workflow_id, "passport") << "the others keep the shared definition";
}

TEST_P(OrganisationRulesTest, TheMovingLifeSituationOpensItsFollowUpsAndOnlyInformsAboutBenefits) {
  if (not_ready()) return;
  if (!engine_->workflow("health_card", std::nullopt).ok()) {
    ASSERT_TRUE(engine_->deploy_workflow(read_repo_file("workflows/health_card.yaml"), "health_card.yaml").ok());
  }
  const Actor desk = front_desk(kSupermarket);
  auto out = register_life_situation(*engine_, *desk_, {kSupermarket, "moving", "070761-4285",
                                                        Channel::kPersonalAttendance, desk});
  ASSERT_TRUE(out.ok()) << out.status().message();
  ASSERT_EQ(out->opened.size(), 2u) << "the CPR move and the new health card";
  EXPECT_EQ(out->opened[0].workflow_id, "moving");
  EXPECT_EQ(out->opened[1].workflow_id, "health_card");
  EXPECT_EQ(out->opened[1].fields["reason"], "move");
  for (const auto& c : out->opened) {
    EXPECT_EQ(c.citizen->masked(), "070761-XXXX");
    EXPECT_EQ(c.received_by, kSupermarket) << "every case names the acting authority";
  }
  bool housing_told = false;
  for (const auto& i : out->information) housing_told |= i.area == "housing_support";
  EXPECT_TRUE(housing_told);
  auto housing = store_->list_cases(CaseFilter{});
  for (const auto& c : *housing) EXPECT_NE(c.workflow_id, "housing_support") << "no benefit without an application";
  EXPECT_EQ(out->inquiry.acting_authority, kSupermarket);
  EXPECT_TRUE(out->inquiry.resolved_on_the_spot);

  // Retiring only informs; an unknown situation is named.
  auto retiring = register_life_situation(*engine_, *desk_, {kSupermarket, "retiring", "070761-4285",
                                                             Channel::kPhone, desk});
  ASSERT_TRUE(retiring.ok());
  EXPECT_TRUE(retiring->opened.empty());
  auto unknown = register_life_situation(*engine_, *desk_, {kSupermarket, "divorce", "070761-4285",
                                                           Channel::kPhone, desk});
  EXPECT_EQ(unknown.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(unknown.status().message().find("moving, new_child, retiring"), std::string::npos)
      << unknown.status().message();
}

INSTANTIATE_TEST_SUITE_P(Backends, OrganisationRulesTest, AllBackends(), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sagsflow::testing
