// The letter outbox on both databases: the events that send the citizen a
// letter queue it in the unit of work that stores the event (a receipt on
// opening, a request for missing items with its reply-by date, a decision
// with reasons and complaint guidance naming the appeals body, a hearing, an
// access request's extension, a deadline that will be missed), with one
// idempotency key each; a case without a citizen gets none; a unit that
// fails stores neither event nor letter; claiming gives each letter to one
// worker at a time; and the register of exemptions from Digital Post.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "sagsflow/config/builtin_workflows.hpp"
#include "sagsflow/engine/letter_orders.hpp"
#include "test_databases.hpp"

namespace sagsflow::testing {
namespace {
using nlohmann::json;
using namespace std::chrono;

class LetterOutboxTest : public DatabaseTest {
 protected:
  void SetUp() override {
    DatabaseTest::SetUp();
    if (not_ready()) return;
    store_ = connect_seeded();
    engine_ = std::make_unique<CaseEngine>(*store_, EngineOptions{DanishCalendar{}, clock_.clock()});
    std::string passport = without_plugin(read_repo_file("workflows/passport.yaml"));
    passport.insert(passport.find("stages:"), "appeals_body: Klageinstansen for pas\n");
    ASSERT_TRUE(engine_->deploy_workflow(passport, "passport.yaml").ok());
    ASSERT_TRUE(engine_->deploy_workflow(kCounterWorkflow, "counter.yaml").ok());
    for (const auto& b : builtin_workflows()) ASSERT_TRUE(engine_->deploy_workflow(b.yaml, b.file_name).ok());
  }

  Result<CaseState> open(const std::string& workflow, const std::string& cpr = "070761-4285") {
    OpenCaseRequest req;
    req.municipality = kMunicipality;
    req.workflow_id = workflow;
    if (!cpr.empty()) req.citizen_cpr = cpr;
    req.fields = {{"full_name", "Jens Hansen"}};
    req.actor = frontdesk();
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

  std::vector<db::LetterRow> letters_of(long long id) {
    db::LetterFilter f;
    f.case_id = id;
    auto rows = store_->list_letters(f);
    EXPECT_TRUE(rows.ok()) << rows.status().to_string();
    auto out = rows.ok() ? *rows : std::vector<db::LetterRow>{};
    std::reverse(out.begin(), out.end());  // oldest first
    return out;
  }

  ManualClock clock_;
  std::unique_ptr<db::SqlStore> store_;
  std::unique_ptr<CaseEngine> engine_;
};

TEST_P(LetterOutboxTest, OpeningACaseForACitizenQueuesAReceiptWithTheProcessingDeadline) {
  auto c = open("passport");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  auto letters = letters_of(c->id);
  ASSERT_EQ(letters.size(), 1u);
  const auto& r = letters[0];
  EXPECT_EQ(r.kind, "receipt");
  EXPECT_EQ(r.state, db::LetterState::kQueued);
  EXPECT_EQ(r.event_seq, 1);
  EXPECT_EQ(r.language, "da");
  EXPECT_EQ(r.idempotency_key, fmt::format("{}:{}:1:receipt", kMunicipality, c->id));
  EXPECT_EQ(r.values["case.number"], c->case_number);
  EXPECT_EQ(r.values["received.date"], "23. november 2026");  // the manual clock's day
  EXPECT_EQ(r.values["citizen.name"], "Jens Hansen");
  if (c->clock) {
    EXPECT_EQ(r.values["processing.expected_date"], written_date(c->clock->due, "da"));
    EXPECT_FALSE(r.values["processing.deadline"].get<std::string>().empty());
  }
}

TEST_P(LetterOutboxTest, ACaseWithoutACitizenGetsNoLetters) {
  auto c = open("counter", "");
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_TRUE(letters_of(c->id).empty());
  ASSERT_TRUE(act(c->id, "finish", caseworker()).ok());
  EXPECT_TRUE(letters_of(c->id).empty());
}

TEST_P(LetterOutboxTest, ARefusalQueuesADecisionLetterWithReasonsGuidanceAndTheAppealsBody) {
  auto c = open("passport");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(act(c->id, "register", frontdesk()).ok());
  ActionRequest done{c->id, "complete", frontdesk()};
  done.fields = {{"height_cm", 182}, {"fee_paid", true}};
  done.attachments = {{"photo", "image/jpeg", ""}, {"identity_document", "", ""}};
  ASSERT_TRUE(engine_->act(done).ok());
  auto refused = act(c->id, "refuse", caseworker(), {{"reasons", "Fotoet opfylder ikke kravene til pasfotos."}});
  ASSERT_TRUE(refused.ok()) << refused.status().to_string();
  auto letters = letters_of(c->id);
  ASSERT_FALSE(letters.empty());
  const auto& d = letters.back();
  EXPECT_EQ(d.kind, "decision");
  EXPECT_EQ(d.outcome, "refused");
  EXPECT_EQ(d.event_seq, refused->version);
  EXPECT_EQ(d.values["decision.outcome"], "afslået");
  EXPECT_EQ(d.values["decision.reasons"], "Fotoet opfylder ikke kravene til pasfotos.");
  EXPECT_EQ(d.values["complaint.guidance"], "yes");
  EXPECT_EQ(d.values["complaint.appeals_body"], "Klageinstansen for pas");
  EXPECT_FALSE(d.values["complaint.to"].get<std::string>().empty());
  // The date is the delivery's to set: it depends on the channel.
  EXPECT_EQ(d.values["complaint.deadline"], "");
}

TEST_P(LetterOutboxTest, AHearingAndAMissingItemsRequestQueueTheirLetters) {
  auto c = open("passport");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(act(c->id, "register", frontdesk()).ok());
  auto heard = engine_->start_hearing(c->id, caseworker(), "Politiet oplyser en verserende sag", std::nullopt);
  ASSERT_TRUE(heard.ok()) << heard.status().to_string();
  auto letters = letters_of(c->id);
  ASSERT_FALSE(letters.empty());
  EXPECT_EQ(letters.back().kind, "hearing");
  EXPECT_EQ(letters.back().values["hearing.facts"], "Politiet oplyser en verserende sag");
  EXPECT_EQ(letters.back().values["hearing.reply_by"],
            written_date(*parse_date(heard->hearing["reply_by"].get<std::string>()), "da"));
}

TEST_P(LetterOutboxTest, ADeadlineWarningQueuesADelayLetterWithTheExpectedDate) {
  auto c = open("counter");
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(c->clock.has_value());
  clock_.set(c->clock->due - days(1));
  auto checked = engine_->check_deadlines();
  ASSERT_TRUE(checked.ok()) << checked.status().to_string();
  auto letters = letters_of(c->id);
  ASSERT_EQ(letters.size(), 2u);
  EXPECT_EQ(letters[1].kind, "delay");
  EXPECT_EQ(letters[1].values["deadline.original"], written_date(c->clock->due, "da"));
  const Date expected = DanishCalendar{}.add_working_days(c->clock->due, 10);
  EXPECT_EQ(letters[1].values["delay.expected_date"], written_date(expected, "da"));
  EXPECT_FALSE(letters[1].values["delay.reason"].get<std::string>().empty());
}

TEST_P(LetterOutboxTest, AUnitThatFailsStoresNeitherTheEventNorItsLetter) {
  auto c = open("counter");
  ASSERT_TRUE(c.ok());
  const size_t before = letters_of(c->id).size();
  Status st = store_->atomically([&]() -> Status {
    auto acted = act(c->id, "finish", caseworker());
    if (!acted.ok()) return acted.status();
    return Internal("the unit is abandoned");
  });
  EXPECT_FALSE(st.ok());
  EXPECT_EQ(letters_of(c->id).size(), before);
  EXPECT_EQ(engine_->get_case(c->id)->version, c->version);
}

TEST_P(LetterOutboxTest, EnqueueingTheSameKeyTwiceKeepsOneLetter) {
  auto c = open("passport");
  ASSERT_TRUE(c.ok());
  auto letters = letters_of(c->id);
  ASSERT_EQ(letters.size(), 1u);
  QueuedLetter again;
  again.case_id = c->id;
  again.event_seq = 1;
  again.municipality = kMunicipality;
  again.kind = "receipt";
  again.language = "da";
  again.workflow = "passport";
  again.stage = "receipt";
  again.idempotency_key = letters[0].idempotency_key;
  again.created_at = "2026-11-23T09:00:00Z";
  ASSERT_TRUE(store_->enqueue_letters({again}).ok());
  EXPECT_EQ(letters_of(c->id).size(), 1u);
}

TEST_P(LetterOutboxTest, AClaimedLetterIsNotGivenToAnotherWorkerUntilItsLeaseRunsOut) {
  auto c = open("passport");
  ASSERT_TRUE(c.ok());
  auto second = connect();
  const std::string now = "2099-01-01T00:00:00Z", until = "2099-01-01T00:10:00Z";
  auto a = store_->claim_letters("worker-a", now, until, 10);
  ASSERT_TRUE(a.ok()) << a.status().to_string();
  ASSERT_FALSE(a->empty());
  auto b = second->claim_letters("worker-b", now, until, 10);
  ASSERT_TRUE(b.ok());
  for (const auto& r : *b) EXPECT_NE(r.case_id, c->id);
  auto later = second->claim_letters("worker-b", "2099-01-01T00:11:00Z", "2099-01-01T00:21:00Z", 10);
  ASSERT_TRUE(later.ok());
  bool taken = false;
  for (const auto& r : *later) taken = taken || r.case_id == c->id;
  EXPECT_TRUE(taken);
  // Settling a letter stores its state and lifts the claim.
  db::LetterRow row = a->front();
  row.state = db::LetterState::kDelivered;
  row.channel = "print";
  row.receipt = "batch 1";
  row.delivered_at = now;
  row.attempts = 1;
  // Only the worker holding the claim settles it: worker-a's ran out and worker-b has it.
  EXPECT_EQ(store_->save_letter(row, "worker-a").code(), ErrorCode::kConflict);
  ASSERT_TRUE(store_->save_letter(row, "worker-b").ok());
  auto loaded = store_->load_letter(row.id);
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ((*loaded)->state, db::LetterState::kDelivered);
  EXPECT_EQ((*loaded)->receipt, "batch 1");
  EXPECT_EQ((*loaded)->channel, "print");
  auto none = store_->claim_letters("worker-c", "2099-02-01T00:00:00Z", "2099-02-01T00:10:00Z", 10);
  ASSERT_TRUE(none.ok());
  for (const auto& r : *none) EXPECT_NE(r.id, row.id);
  EXPECT_FALSE(store_->retry_letter(row.id, now).ok());  // delivered: nothing to retry
  EXPECT_EQ(store_->save_letter(row, "worker-b").code(), ErrorCode::kConflict);  // settled already
}

TEST_P(LetterOutboxTest, TheRegisterOfExemptionsFromDigitalPost) {
  auto cpr = Cpr::parse("070761-4285");
  ASSERT_TRUE(cpr.ok());
  auto none = store_->digital_post_exemption(*cpr);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store_->put_digital_post_exemption({*cpr, "ansøgning om fritagelse", "frida", "2026-11-23T09:00:00Z"}).ok());
  ASSERT_TRUE(store_->put_digital_post_exemption({*cpr, "fritaget efter registret", "frida", "2026-11-24T09:00:00Z"}).ok());
  auto found = store_->digital_post_exemption(*cpr);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->reason, "fritaget efter registret");
  EXPECT_TRUE(*store_->remove_digital_post_exemption(*cpr));
  EXPECT_FALSE(*store_->remove_digital_post_exemption(*cpr));
}

INSTANTIATE_TEST_SUITE_P(Backends, LetterOutboxTest, AllBackends(), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace sagsflow::testing
