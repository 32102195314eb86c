// Which letters an event causes (sagsflow/engine/letter_orders.hpp), as a
// pure function: dates written out in Danish and English, outcomes in words,
// a forwarding notice with the receiver's contact, an access request's
// decision as its own kind, a staff member's own letter and a plugin's
// letter_queued with subject and body, and no letter without a citizen.
#include <gtest/gtest.h>

#include "sagsflow/config/workflow.hpp"
#include "sagsflow/engine/letter_orders.hpp"

namespace sagsflow {
namespace {
using nlohmann::json;
using namespace std::chrono;

CaseState citizen_case() {
  CaseState s;
  s.id = 7;
  s.municipality = "0999";
  s.case_number = "23.09.02-G01-7-26";
  s.title = "Pas";
  s.workflow_id = "passport";
  s.version = 3;
  s.citizen = *Cpr::parse("070761-4285");
  return s;
}

CaseEvent event(const std::string& action, json data) {
  CaseEvent e;
  e.case_id = 7;
  e.seq = 4;
  e.at = "2026-12-03T10:00:00Z";
  e.action = action;
  e.from_stage = "decision";
  e.to_stage = "decision";
  e.data = std::move(data);
  return e;
}

LetterContext context() {
  LetterContext ctx;
  ctx.municipality_name = "Eksempel Kommune";
  ctx.sender_name = "Bo Larsen";
  ctx.sender_unit = "Borgerservice";
  ctx.today = Date{year{2026} / 12 / 3};
  return ctx;
}

TEST(LetterOrders, DatesAreWrittenOutInTheLettersLanguage) {
  EXPECT_EQ(written_date(Date{year{2026} / 12 / 3}, "da"), "3. december 2026");
  EXPECT_EQ(written_date(Date{year{2027} / 5 / 31}, "en"), "31 May 2027");
  EXPECT_EQ(written_date(Date{year{2026} / 1 / 1}, "da"), "1. januar 2026");
}

TEST(LetterOrders, OutcomesAreWordsAndAnAccessRequestHasItsOwn) {
  EXPECT_EQ(outcome_in_words("refused", false, "da"), "afslået");
  EXPECT_EQ(outcome_in_words("partly_granted", false, "da"), "delvis bevilget");
  EXPECT_EQ(outcome_in_words("granted", true, "da"), "imødekommet");
  EXPECT_EQ(outcome_in_words("partly_granted", true, "en"), "granted in part");
}

TEST(LetterOrders, AForwardingSendsANoticeWithTheReceiversContact) {
  CaseState s = citizen_case();
  LetterContext ctx = context();
  ctx.forwarded_contact = "Politigården\n1567 København V";
  auto letters = letters_caused_by(s, event("forward", {{"forwarded", {{"to", "politiet"}, {"name", "Politiet"}, {"on", "2026-12-03"}}}}),
                                   s, ctx);
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].kind, "forwarding");
  EXPECT_EQ(letters[0].idempotency_key, "0999:7:4:forwarding");
  EXPECT_EQ(letters[0].values["forwarded.to"], "Politiet");
  EXPECT_EQ(letters[0].values["forwarded.on"], "3. december 2026");
  EXPECT_EQ(letters[0].values["forwarded.contact"], "Politigården\n1567 København V");
  EXPECT_EQ(letters[0].values["sender.name"], "Bo Larsen");
  EXPECT_EQ(letters[0].values["municipality.name"], "Eksempel Kommune");
}

TEST(LetterOrders, AnAccessRequestsDecisionIsAnAccessDecisionWithItsGuidance) {
  WorkflowDefinition wf;
  wf.id = "access_request";
  wf.undecided_complaint_after = DeadlineSpec{14, DeadlineUnit::kWorkingDays};
  LetterContext ctx = context();
  ctx.workflow = &wf;
  CaseState s = citizen_case();
  s.received_on = Date{year{2026} / 11 / 20};
  json decision = {{"outcome", "refused"},
                   {"complaint_guidance", {{"to", "Eksempel Kommune"}, {"appeals_body", "Ankestyrelsen"}}}};
  auto letters = letters_caused_by(s, event("refuse", {{"decision", decision}, {"fields", {{"reasons", "§ 23"}}}}), s, ctx);
  ASSERT_EQ(letters.size(), 1u);
  EXPECT_EQ(letters[0].kind, "access_decision");
  EXPECT_EQ(letters[0].values["decision.outcome"], "afslået");
  EXPECT_EQ(letters[0].values["decision.reasons"], "§ 23");
  EXPECT_EQ(letters[0].values["access.received"], "20. november 2026");
  EXPECT_EQ(letters[0].values["complaint.appeals_body"], "Ankestyrelsen");
  EXPECT_EQ(letters[0].values["complaint.forward_days"], "7");
  EXPECT_EQ(letters[0].values["complaint.decide_days"], "20");
}

TEST(LetterOrders, AStaffLetterAndAPluginsQueuedLetterWithSubjectAndBodyAreSent) {
  CaseState s = citizen_case();
  auto own = letters_caused_by(s, event("letter", {{"letter", {{"subject", "Din sag"}, {"body", "Vi har brug for et møde."}}}}),
                               s, context());
  ASSERT_EQ(own.size(), 1u);
  EXPECT_EQ(own[0].kind, "message");
  EXPECT_EQ(own[0].values["message.subject"], "Din sag");
  auto plugin = letters_caused_by(
      s, event("plugin_event", {{"plugin_event", {{"kind", "letter_queued"}, {"data", {{"subject", "Gebyr"}, {"body", "Betal 280 kr."}}}}}}),
      s, context());
  ASSERT_EQ(plugin.size(), 1u);
  EXPECT_EQ(plugin[0].values["message.body"], "Betal 280 kr.");
  // A plugin's letter_queued without the text of a letter sends nothing.
  auto bare = letters_caused_by(
      s, event("plugin_event", {{"plugin_event", {{"kind", "letter_queued"}, {"data", {{"letter", "forwarded_to_police"}}}}}}),
      s, context());
  EXPECT_TRUE(bare.empty());
}

TEST(LetterOrders, NoCitizenNoLetter) {
  CaseState s = citizen_case();
  s.citizen.reset();
  auto letters = letters_caused_by(s, event("letter", {{"letter", {{"subject", "x"}, {"body", "y"}}}}), s, context());
  EXPECT_TRUE(letters.empty());
}

}  // namespace
}  // namespace sagsflow
